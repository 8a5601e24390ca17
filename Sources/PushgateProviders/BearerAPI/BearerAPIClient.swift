import Foundation
import PushgateCore
import Synchronization

/// Sends JSON calls to a bearer-token API (Cloud Run v2, Azure Resource Manager) with the provider's
/// retry rules: backoff with jitter, `Retry-After`, one token refresh on 401, and never a blind re-send
/// of a non-idempotent call after an ambiguous failure (docs/provider-apis.md §1.2, §3.8, §4.6).
package struct BearerAPIClient: Sendable {
    package var http: any HTTPClient
    package var tokens: any BearerTokenProvider
    package var policy: RetryPolicy
    package var clock: any WallClock
    /// Reads the provider's error code from an error body (`error.status` for Google, `error.code` for ARM).
    package var errorCode: @Sendable (HTTPResponse) -> String?
    /// Names the API in messages (`Cloud Run`, `Azure Resource Manager`).
    package var apiName: String
    private let random: RandomSource

    package init(
        http: any HTTPClient,
        tokens: any BearerTokenProvider,
        policy: RetryPolicy,
        clock: any WallClock,
        randomSeed: UInt64? = nil,
        apiName: String,
        errorCode: @escaping @Sendable (HTTPResponse) -> String?
    ) {
        self.http = http
        self.tokens = tokens
        self.policy = policy
        self.clock = clock
        self.apiName = apiName
        self.errorCode = errorCode
        random = RandomSource(seed: randomSeed)
    }

    /// Sends `request` with `Authorization: Bearer …`, retrying per the policy. Returns the final
    /// response, whatever its status, unless the retries ran out on a retryable status (thrown as
    /// `.throttled`/`.unavailable`) or the outcome is unknown for a non-idempotent call (`.ambiguous`:
    /// the caller looks the workload up before anything is re-sent).
    package func send(_ request: HTTPRequest, purpose: String) async throws -> HTTPResponse {
        var attempt = 1
        var refreshedToken = false
        while true {
            var signed = request
            let authorization = try await bearer(purpose: purpose)
            signed.headers.replace("Authorization", authorization)
            if !signed.body.isEmpty, signed.headers["Content-Type"] == nil {
                signed.headers.add("Content-Type", "application/json")
            }
            let failure: RetryFailure
            var lastResponse: HTTPResponse?
            do {
                let response = try await http.execute(signed)
                if (200..<400).contains(response.status) { return response }
                let code = errorCode(response)
                if response.status == 401, !refreshedToken {
                    refreshedToken = true
                    await tokens.invalidate(refused: authorization)
                    continue
                }
                if response.status == 401 {
                    throw ProviderError(
                        .unauthorized,
                        "\(purpose): \(apiName) refused the bearer token",
                        httpStatus: 401,
                        providerCode: code
                    )
                }
                failure = .response(status: response.status, headers: response.headers, errorCode: code)
                lastResponse = response
            } catch let error as HTTPClientError {
                failure = .transport(error)
            }
            let decision = random.withGenerator { generator in
                policy.decide(
                    after: failure,
                    attempt: attempt,
                    method: request.method,
                    isIdempotent: request.isIdempotent,
                    now: clock.now(),
                    using: &generator
                )
            }
            switch decision {
            case .retry(let delay):
                if delay > 0 { try await clock.sleep(until: clock.now().addingTimeInterval(delay)) }
                attempt += 1
            case .lookUpBeforeResend:
                throw ProviderError(
                    .ambiguous,
                    "\(purpose): the outcome is unknown (\(BearerAPIClient.describe(failure))); look it up before re-sending",
                    httpStatus: lastResponse?.status,
                    providerCode: lastResponse.flatMap(errorCode)
                )
            case .giveUp(let reason):
                if let response = lastResponse {
                    if case .notRetryable = reason { return response }
                    throw error(for: response, purpose: purpose, reason: reason)
                }
                guard case .transport(let transportError) = failure else {
                    throw ProviderError(.unavailable, "\(purpose): gave up")
                }
                throw ProviderError(
                    transportError.isAmbiguous && !request.isIdempotent ? .ambiguous : .unavailable,
                    "\(purpose): \(transportError)"
                )
            }
        }
    }

    /// The `Authorization` value; a token failure is `.unauthorized` (its message never holds a secret).
    private func bearer(purpose: String) async throws -> String {
        do {
            return try await tokens.token().authorizationHeader
        } catch let error as CredentialsError {
            throw ProviderError(.unauthorized, "\(purpose): \(error.description)", httpStatus: error.httpStatus, providerCode: error.providerCode)
        }
    }

    private func error(for response: HTTPResponse, purpose: String, reason: GiveUpReason) -> ProviderError {
        let code = errorCode(response)
        let retryAfter = policy.serverHint(
            .response(status: response.status, headers: response.headers, errorCode: code),
            now: clock.now()
        )
        let kind: ProviderError.Code = response.status == 429 || code == "RESOURCE_EXHAUSTED" ? .throttled : .unavailable
        return ProviderError(
            kind,
            "\(purpose): \(apiName) answered HTTP \(response.status) (\(reason))",
            httpStatus: response.status,
            providerCode: code,
            retryAfter: retryAfter
        )
    }

    private static func describe(_ failure: RetryFailure) -> String {
        switch failure {
        case .response(let status, _, let code): return "HTTP \(status)" + (code.map { " \($0)" } ?? "")
        case .grpc(let code, _, _): return "gRPC \(code)"
        case .transport(let error): return error.description
        }
    }
}
