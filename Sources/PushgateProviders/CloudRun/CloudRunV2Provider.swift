import Foundation
import PushgateCore

/// Submits runs as Cloud Run v2 jobs, one job per run attempt, the way Prefect's Cloud Run v2 worker
/// does: create the job (id from the idempotency key), wait for its operation, run it once, poll the
/// execution, cancel the execution, delete the job (docs/provider-apis.md §3; docs/prefect-semantics.md §3.4).
/// The handle is the execution's full resource name from the `jobs.run` operation (``CloudRunHandle``,
/// docs/provider-apis.md §3.3); handles of runs submitted before (the job id, Prefect's `infrastructure_pid`, with project and
/// region from the run's re-rendered configuration) are still tracked.
package struct CloudRunV2Provider: Provider {
    package let kind = ProviderKind.cloudRunV2
    package var configuration: CloudRunV2Configuration
    package var requests: CloudRunRequests
    let api: BearerAPIClient
    let clock: any WallClock
    let tokenPreview: TokenRequestPreview?

    /// - Parameters:
    ///   - tokens: the gcp profile's cached token source (service-account exchange or metadata server).
    ///   - tokenPreview: the token request shown by `dryRun`; nil shows none.
    package init(
        configuration: CloudRunV2Configuration,
        tokens: any BearerTokenProvider,
        http: any HTTPClient,
        clock: any WallClock,
        tokenPreview: TokenRequestPreview? = nil
    ) {
        self.configuration = configuration
        requests = CloudRunRequests(endpoint: configuration.runEndpoint)
        self.clock = clock
        self.tokenPreview = tokenPreview
        api = .google("Cloud Run", configuration: configuration, tokens: tokens, http: http, clock: clock)
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        CloudRunJobSpec.make(job, defaultProject: configuration.project).problems
    }

    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        let spec = try spec(job)
        var out: [HTTPRequest] = []
        if let tokenPreview { out.append(try tokenPreview.request(at: job.now)) }
        out.append(DryRunRedaction.apiRequest(requests.createJob(spec), secretValues: job.secretValues))
        out.append(DryRunRedaction.apiRequest(requests.get(spec.jobName), secretValues: job.secretValues))
        out.append(DryRunRedaction.apiRequest(requests.runJob(spec.jobName), secretValues: job.secretValues))
        return out
    }

    /// The spec or `.invalidConfiguration` naming every bad field; nothing is sent.
    func spec(_ job: SubmissionJob) throws -> CloudRunJobSpec {
        switch CloudRunJobSpec.make(job, defaultProject: configuration.project) {
        case .success(let spec): return spec
        case .failure(let error): throw ProviderError(.invalidConfiguration, error.description)
        }
    }

    /// Project and region of `job`, or `.invalidConfiguration` naming the missing one.
    func location(_ job: SubmissionJob) throws -> (project: String, region: String) {
        guard let region = job.configuration.nonEmptyString("region") else {
            throw ProviderError(.invalidConfiguration, "job_configuration: $.region: cloud-run-v2:push needs a region")
        }
        guard let project = job.configuration.nonEmptyString("project") ?? configuration.project else {
            throw ProviderError(.invalidConfiguration, "job_configuration: $.project: cloud-run-v2:push needs a GCP project")
        }
        return (project, region)
    }

    /// Turns an unexpected response into a ``ProviderError`` naming the call, with Google's status text.
    func failure(_ response: HTTPResponse, _ purpose: String) -> ProviderError {
        CloudRunRequests.failure(response, purpose)
    }

    /// Parses a JSON body or fails naming the call.
    func json(_ response: HTTPResponse, _ purpose: String) throws -> JSONValue {
        guard let value = try? JSONValue.parse(response.body) else {
            throw ProviderError(.unavailable, "\(purpose): the response is not JSON", httpStatus: response.status)
        }
        return value
    }
}
