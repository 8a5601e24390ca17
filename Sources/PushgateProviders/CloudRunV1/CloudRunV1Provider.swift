import Foundation
import PushgateCore

/// Submits runs as Cloud Run V1 (Knative-style Admin API) jobs, one job per run attempt, the way
/// Prefect's `cloud-run` worker does: create the job (named from the idempotency key), wait for its
/// `Ready` condition, `:run` it once, poll the execution, delete the execution to cancel, delete the
/// job after the run unless `keep_job` (docs/provider-apis.md §8). The handle is
/// `namespaces/{project}/jobs/{job}/executions/{execution}` (``CloudRunV1Handle``).
package struct CloudRunV1Provider: Provider {
    package let kind = ProviderKind.cloudRunV1
    package var configuration: CloudRunV2Configuration
    package var requests: CloudRunV1Requests
    let api: BearerAPIClient
    let clock: any WallClock
    let tokenPreview: TokenRequestPreview?

    /// - Parameters:
    ///   - configuration: the same settings as Cloud Run v2; `runEndpoint` is used only when `endpointOverride` is set.
    ///   - endpointOverride: the profile's `run_endpoint`; nil uses the regional endpoint.
    ///   - tokens: the gcp profile's cached token source (service-account exchange or metadata server).
    package init(
        configuration: CloudRunV2Configuration,
        endpointOverride: String?,
        tokens: any BearerTokenProvider,
        http: any HTTPClient,
        clock: any WallClock,
        tokenPreview: TokenRequestPreview? = nil
    ) {
        self.configuration = configuration
        requests = CloudRunV1Requests(endpointOverride: endpointOverride)
        self.clock = clock
        self.tokenPreview = tokenPreview
        api = .google("Cloud Run V1", configuration: configuration, tokens: tokens, http: http, clock: clock)
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        CloudRunV1JobSpec.make(job, defaultProject: configuration.project).problems
    }

    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        let spec = try spec(job)
        var out: [HTTPRequest] = []
        if let tokenPreview { out.append(try tokenPreview.request(at: job.now)) }
        for request in [
            requests.createJob(spec),
            requests.getJob(project: spec.project, region: spec.region, job: spec.jobName),
            requests.runJob(project: spec.project, region: spec.region, job: spec.jobName),
        ] {
            out.append(DryRunRedaction.apiRequest(request, secretValues: job.secretValues))
        }
        return out
    }

    /// The spec or `.invalidConfiguration` naming every bad field; nothing is sent.
    func spec(_ job: SubmissionJob) throws -> CloudRunV1JobSpec {
        switch CloudRunV1JobSpec.make(job, defaultProject: configuration.project) {
        case .success(let spec): return spec
        case .failure(let error): throw ProviderError(.invalidConfiguration, error.description)
        }
    }

    /// The run's region, from its configuration.
    func region(_ job: SubmissionJob) throws -> String {
        guard let region = job.configuration.nonEmptyString("region") else {
            throw ProviderError(.invalidConfiguration, "job_configuration: $.region: cloud-run:push needs a region")
        }
        return region
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
