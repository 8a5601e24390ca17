import Foundation
import PushgateCore

/// Submits runs as Vertex AI custom jobs, one per run attempt, as Prefect's `vertex-ai` worker does:
/// `customJobs.create`, poll `customJobs.get`, `:cancel` to cancel; the job is kept afterwards, as
/// Prefect keeps it (docs/provider-apis.md §9). The handle is the job's full name,
/// `projects/{p}/locations/{r}/customJobs/{id}`. The create has no client-supplied id, so exactly-once
/// rests on the run-identity labels: after an ambiguous create, and in ``lookUp(_:)``, the jobs with the
/// run's labels are listed before anything is sent again (§9.3 says which window remains).
package struct VertexProvider: Provider {
    package let kind = ProviderKind.vertexAI
    package var configuration: CloudRunV2Configuration
    package var requests: VertexRequests
    let api: BearerAPIClient
    let tokenPreview: TokenRequestPreview?

    package init(
        configuration: CloudRunV2Configuration,
        endpointOverride: String?,
        tokens: any BearerTokenProvider,
        http: any HTTPClient,
        clock: any WallClock,
        tokenPreview: TokenRequestPreview? = nil
    ) {
        self.configuration = configuration
        requests = VertexRequests(endpointOverride: endpointOverride)
        self.tokenPreview = tokenPreview
        api = .google("Vertex AI", configuration: configuration, tokens: tokens, http: http, clock: clock)
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        VertexCustomJobSpec.make(job, defaultProject: configuration.project).problems
    }

    func spec(_ job: SubmissionJob) throws -> VertexCustomJobSpec {
        switch VertexCustomJobSpec.make(job, defaultProject: configuration.project) {
        case .success(let spec): return spec
        case .failure(let error): throw ProviderError(.invalidConfiguration, error.description)
        }
    }

    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        let spec = try spec(job)
        var out: [HTTPRequest] = []
        if let tokenPreview { out.append(try tokenPreview.request(at: job.now)) }
        out.append(DryRunRedaction.apiRequest(requests.create(spec), secretValues: job.secretValues))
        return out
    }

    package func pacingKey(for job: SubmissionJob) -> PacingKey {
        PacingKey(kind: kind, account: configuration.project ?? "", region: job.configuration.nonEmptyString("region") ?? "")
    }

    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        let purpose = "Vertex AI customJobs.create in \(spec.parent)"
        for attempt in 0..<2 {
            do {
                let response = try await api.send(requests.create(spec), purpose: purpose)
                if response.status == 404 {
                    throw ProviderError(.invalidConfiguration, "\(purpose): HTTP 404: wrong project or region?", httpStatus: 404)
                }
                guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
                guard let name = (try? JSONValue.parse(response.body))?.nonEmptyString("name") else {
                    throw ProviderError(.ambiguous, "\(purpose): the answer names no job; look the run up before re-sending")
                }
                return ProviderHandle(name)
            } catch let error as ProviderError where error.code == .ambiguous {
                // The create may have happened: its labels find it. Found nowhere, it is sent once more.
                if let found = try await find(spec) { return found }
                if attempt == 1 { throw error }
            }
        }
        throw ProviderError(.ambiguous, "\(purpose): the job could not be confirmed; look the run up before re-sending")
    }

    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        try await find(try spec(job))
    }

    /// The oldest custom job with the run's identity labels, nil when there is none. Every page is read:
    /// the list's order is not documented, so the oldest may be on any page (§9.3).
    func find(_ spec: VertexCustomJobSpec) async throws -> ProviderHandle? {
        let purpose = "Vertex AI customJobs.list \(spec.filter)"
        var jobs: [JSONValue] = []
        var pageToken: String?
        for _ in 0..<Self.listPageLimit {
            let response = try await api.send(requests.list(spec, pageToken: pageToken), purpose: purpose)
            guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
            guard let list = try? JSONValue.parse(response.body), list.objectValue != nil else {
                throw ProviderError(.unavailable, "\(purpose): the response is not a customJobs list")
            }
            jobs += list["customJobs"]?.arrayValue ?? []
            pageToken = list.nonEmptyString("nextPageToken")
            guard pageToken != nil else {
                let oldest = jobs.min { ($0["createTime"]?.stringValue ?? "") < ($1["createTime"]?.stringValue ?? "") }
                return oldest?.nonEmptyString("name").map(ProviderHandle.init)
            }
        }
        throw ProviderError(.unavailable, "\(purpose): more than \(Self.listPageLimit) pages; the run's jobs could not all be read")
    }

    /// A run attempt has one job, or two in the window of §9.3: this many pages means something else is wrong.
    static let listPageLimit = 20

    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var out: [ProviderHandle: ProviderStatus] = [:]
        for target in targets {
            let region = target.job.configuration.nonEmptyString("region") ?? ""
            let purpose = "Vertex AI customJobs.get \(target.handle.value)"
            let response = try await api.send(requests.get(target.handle.value, region: region), purpose: purpose)
            if response.status == 404 {
                out[target.handle] = CloudRunStatusMapping.missing(cancelRequested: target.cancelRequested, what: "the custom job")
                continue
            }
            guard (200..<300).contains(response.status), let job = try? JSONValue.parse(response.body) else {
                throw failure(response, purpose)
            }
            out[target.handle] = VertexStatusMapping.status(job: job, cancelRequested: target.cancelRequested)
        }
        return out
    }

    /// `:cancel`; FAILED_PRECONDITION (already ended) and 404 leave nothing to stop.
    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        let purpose = "Vertex AI customJobs.cancel \(handle.value)"
        let response = try await api.send(requests.cancel(handle.value, region: job.configuration.nonEmptyString("region") ?? ""), purpose: purpose)
        if (200..<300).contains(response.status) || response.status == 404 { return }
        if response.status == 400, CloudRunRequests.errorStatus(response) == "FAILED_PRECONDITION" { return }
        throw failure(response, purpose)
    }

    /// Custom jobs are kept, as Prefect keeps them: there is nothing to clean up.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {}

    func failure(_ response: HTTPResponse, _ purpose: String) -> ProviderError {
        CloudRunRequests.failure(response, purpose)
    }
}
