import Foundation
import PushgateCore

/// Submits runs as Azure Container Instances container groups, one group per run attempt: GET first and
/// PUT only on 404 (a PUT on an existing group restarts it), poll by GET, stop to cancel, delete to
/// clean up (docs/provider-apis.md §4; docs/prefect-semantics.md §3.4). The handle is Prefect's
/// `<run id>:<container group name>`; subscription and resource group come from the run's configuration.
package struct ContainerInstancesProvider: Provider {
    package let kind = ProviderKind.azureContainerInstance
    package var configuration: ContainerInstancesConfiguration
    package var requests: ContainerGroupRequests
    let api: BearerAPIClient
    let tokenPreview: TokenRequestPreview?

    package init(
        configuration: ContainerInstancesConfiguration,
        tokens: any BearerTokenProvider,
        http: any HTTPClient,
        clock: any WallClock,
        tokenPreview: TokenRequestPreview? = nil
    ) {
        self.configuration = configuration
        requests = ContainerGroupRequests(
            endpoint: configuration.managementEndpoint,
            apiVersion: configuration.apiVersion,
            resourceGroupAPIVersion: configuration.resourceGroupAPIVersion
        )
        self.tokenPreview = tokenPreview
        api = BearerAPIClient(
            http: http,
            tokens: tokens,
            policy: configuration.retryPolicy,
            clock: clock,
            randomSeed: configuration.randomSeed,
            apiName: "Azure Resource Manager",
            errorCode: ContainerGroupRequests.errorCode
        )
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        ContainerGroupSpec.make(job, defaultSubscription: configuration.subscriptionID).problems
    }

    func spec(_ job: SubmissionJob) throws -> ContainerGroupSpec {
        switch ContainerGroupSpec.make(job, defaultSubscription: configuration.subscriptionID) {
        case .success(let spec): return spec
        case .failure(let error): throw ProviderError(.invalidConfiguration, error.description)
        }
    }

    /// `<run id>:<group name>`.
    static func handle(runID: String, name: String) -> ProviderHandle { ProviderHandle("\(runID):\(name)") }

    /// The group's resource id: the name from the handle, the rest from the run's configuration.
    func resourceID(_ handle: ProviderHandle, job: SubmissionJob) throws -> String {
        let spec = try spec(job)
        let name = handle.value.split(separator: ":", maxSplits: 1).last.map(String.init) ?? spec.name
        var located = spec
        located.name = name
        return located.resourceID
    }

    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        let spec = try spec(job)
        var out: [HTTPRequest] = []
        if let tokenPreview { out.append(try tokenPreview.request(at: job.now)) }
        if spec.location == nil {
            out.append(
                DryRunRedaction.apiRequest(
                    requests.getResourceGroup(subscriptionID: spec.subscriptionID, resourceGroup: spec.resourceGroup),
                    secretValues: job.secretValues
                )
            )
        }
        out.append(DryRunRedaction.apiRequest(requests.get(spec.resourceID), secretValues: job.secretValues))
        let location = spec.location ?? "<location of resource group \(spec.resourceGroup)>"
        out.append(DryRunRedaction.apiRequest(requests.put(spec.resourceID, body: spec.body(location: location)), secretValues: job.secretValues))
        return out
    }

    /// An unexpected response as a ``ProviderError`` naming the call, with ARM's error code.
    func failure(_ response: HTTPResponse, _ purpose: String) -> ProviderError {
        let code = ProviderError.Code(httpStatus: response.status)
        let message = ContainerGroupRequests.errorMessage(response).map { ": \($0)" } ?? ""
        return ProviderError(
            code,
            "\(purpose): HTTP \(response.status)\(message)",
            httpStatus: response.status,
            providerCode: ContainerGroupRequests.errorCode(response)
        )
    }

    func json(_ response: HTTPResponse, _ purpose: String) throws -> JSONValue {
        guard let value = try? JSONValue.parse(response.body) else {
            throw ProviderError(.unavailable, "\(purpose): the response is not JSON", httpStatus: response.status)
        }
        return value
    }
}
