import Foundation
import PushgateCore

/// Runs flow runs as containers on a Docker-compatible engine through its Engine API, one container per run
/// attempt named from the idempotency key: create (409 → adopt by name), start, poll by label, stop to cancel,
/// remove when `auto_remove` (docs/provider-apis.md §7; Prefect's docker worker). The handle is the
/// container's name.
package struct DockerProvider: Provider {
    package let kind = ProviderKind.docker
    package var configuration: DockerConfiguration
    package var requests: DockerRequests
    let http: any HTTPClient

    package init(configuration: DockerConfiguration, http: any HTTPClient) {
        self.configuration = configuration
        requests = DockerRequests(configuration: configuration)
        self.http = http
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        DockerContainerSpec.make(job).problems
    }

    func spec(_ job: SubmissionJob) throws -> DockerContainerSpec {
        switch DockerContainerSpec.make(job) {
        case .success(let spec): return spec
        case .failure(let error): throw ProviderError(.invalidConfiguration, error.description)
        }
    }

    /// One engine per endpoint: the pacing key is its host.
    package func pacingKey(for job: SubmissionJob) -> PacingKey {
        PacingKey(kind: kind, account: configuration.endpoint.host)
    }

    /// Sends one call; a transport failure becomes ``ProviderError`` naming `purpose`: `.ambiguous` when a
    /// non-idempotent request may have reached the engine, else `.unavailable` (retried later).
    func send(_ request: HTTPRequest, purpose: String) async throws -> HTTPResponse {
        do {
            return try await http.execute(request)
        } catch let error as HTTPClientError {
            let code: ProviderError.Code = error.isAmbiguous && !request.isIdempotent ? .ambiguous : .unavailable
            throw ProviderError(code, "\(purpose) at \(configuration.endpoint.host): \(error.message)")
        }
    }

    /// An unexpected response as a ``ProviderError`` naming the call, with the engine's message.
    func failure(_ response: HTTPResponse, _ purpose: String) -> ProviderError {
        let code = ProviderError.Code(httpStatus: response.status)
        let message = DockerRequests.errorMessage(response).map { ": \($0)" } ?? ""
        return ProviderError(code, "\(purpose): HTTP \(response.status)\(message)", httpStatus: response.status)
    }

    func json(_ response: HTTPResponse, _ purpose: String) throws -> JSONValue {
        guard let value = try? JSONValue.parse(response.body) else {
            throw ProviderError(.unavailable, "\(purpose): the response is not JSON", httpStatus: response.status)
        }
        return value
    }
}
