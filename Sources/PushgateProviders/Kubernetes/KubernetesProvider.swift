import Foundation
import PushgateCore

/// Runs flow runs as batch/v1 Jobs pushed to a cluster's API server from outside it, one Job per run attempt
/// named from the idempotency key: create (409 `AlreadyExists` → adopt when it carries this run), poll by one
/// labelled LIST per namespace, cancel by a foreground DELETE, logs from the pod (docs/provider-apis.md §10;
/// Prefect's kubernetes worker, without a worker in the cluster). The handle is `namespace/name`.
package struct KubernetesProvider: Provider {
    package let kind = ProviderKind.kubernetes
    package var requests: KubernetesRequests
    let api: BearerAPIClient?
    /// The user's token source (nil for a client-certificate user), shared by every call of this provider.
    package let tokens: KubernetesTokenSource?
    let http: any HTTPClient
    /// Run ids per LIST: keeps the label selector, and so the URL, short.
    static let selectorBatch = 50

    package init(connection: KubernetesConnection, http: any HTTPClient, clock: any WallClock, randomSeed: UInt64? = nil) {
        requests = KubernetesRequests(connection: connection)
        self.http = http
        let tokens = connection.token.map { KubernetesTokenSource($0, clock: clock) }
        self.tokens = tokens
        api = tokens.map { tokens in
            BearerAPIClient(
                http: http,
                tokens: tokens,
                policy: .kubernetes,
                clock: clock,
                randomSeed: randomSeed,
                apiName: "the Kubernetes API",
                errorCode: KubernetesRequests.reason
            )
        }
    }

    package var connection: KubernetesConnection { requests.connection }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        KubernetesJobSpec.make(job, defaultNamespace: connection.defaultNamespace).problems
    }

    func spec(_ job: SubmissionJob) throws -> KubernetesJobSpec {
        switch KubernetesJobSpec.make(job, defaultNamespace: connection.defaultNamespace) {
        case .success(let spec): return spec
        case .failure(let error): throw ProviderError(.invalidConfiguration, error.description)
        }
    }

    /// One cluster per API server: API priority and fairness limits are the server's.
    package func pacingKey(for job: SubmissionJob) -> PacingKey {
        PacingKey(kind: kind, account: connection.server)
    }

    /// Sends one call: with a bearer token through ``BearerAPIClient`` (429 and 5xx retried after
    /// `Retry-After`, one token re-read on 401, no blind re-send of a create); a client-certificate user has
    /// no token, so its calls go straight to the transport and a transport failure is classified here.
    func send(_ request: HTTPRequest, purpose: String) async throws -> HTTPResponse {
        if let api { return try await api.send(request, purpose: purpose) }
        do {
            return try await http.execute(request)
        } catch let error as HTTPClientError {
            let code: ProviderError.Code = error.isAmbiguous && !request.isIdempotent ? .ambiguous : .unavailable
            throw ProviderError(code, "\(purpose) at \(connection.server): \(error.message)")
        }
    }

    /// An unexpected response as a ``ProviderError`` naming the call, with the API's `Status` reason and message.
    func failure(_ response: HTTPResponse, _ purpose: String) -> ProviderError {
        let reason = KubernetesRequests.reason(response)
        let message = KubernetesRequests.message(response).map { ": \($0)" } ?? ""
        return ProviderError(
            ProviderError.Code(httpStatus: response.status),
            "\(purpose): HTTP \(response.status)\(reason.map { " \($0)" } ?? "")\(message)",
            httpStatus: response.status,
            providerCode: reason
        )
    }

    func json(_ response: HTTPResponse, _ purpose: String) throws -> JSONValue {
        guard let value = try? JSONValue.parse(response.body) else {
            throw ProviderError(.unavailable, "\(purpose): the response is not JSON", httpStatus: response.status)
        }
        return value
    }

    /// `namespace/name` of a handle.
    static func parts(_ handle: ProviderHandle) -> (namespace: String, name: String) {
        let pieces = handle.value.split(separator: "/", maxSplits: 1).map(String.init)
        return pieces.count == 2 ? (pieces[0], pieces[1]) : ("default", handle.value)
    }
}

extension RetryPolicy {
    /// client-go's rules: 429 (API priority and fairness) after its `Retry-After`, 5xx and the `Status`
    /// reasons the server marks retryable.
    static let kubernetes = RetryPolicy(
        maxAttempts: 5,
        baseDelay: 0.5,
        throttlingBaseDelay: 1,
        multiplier: 2,
        maxDelay: 30,
        retryAfterHeaders: [.retryAfter],
        rules: RetryRules(
            transientStatuses: [500, 502, 503, 504],
            throttlingStatuses: [429],
            transientErrorCodes: ["ServerTimeout", "InternalError", "ServiceUnavailable", "Timeout"],
            throttlingErrorCodes: ["TooManyRequests"]
        )
    )
}
