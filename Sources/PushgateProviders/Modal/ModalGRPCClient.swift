import Foundation
import PushgateCore

/// Unary (and whole-response server-streaming) gRPC calls to Modal over any ``HTTPClient`` that speaks
/// HTTP/2 (docs/provider-apis.md §5.6: libcurl with trailers). Adds the auth token of §5.2 (fetched with
/// AuthTokenGet, cached, refreshed halfway through its life, one fetch at a time) and retries as
/// modal-go does (§1.2, ``RetryPolicy/modal``): transient codes up to 4 calls, server throttle hints
/// without using up attempts (capped by ``maxThrottleWait``), one token refresh on UNAUTHENTICATED.
package struct ModalGRPCClient: Sendable {
    package let serverURL: String
    package let credentials: ModalCredentials
    package let http: any HTTPClient
    package let clock: any WallClock
    package let retryPolicy: RetryPolicy
    /// Default deadline of a call (`grpc-timeout`).
    package let callTimeout: TimeInterval
    /// Most seconds spent waiting on throttle hints in one call (modal-go's `MODAL_MAX_THROTTLE_WAIT`).
    package let maxThrottleWait: TimeInterval
    private let tokens: ExpiringValue<ModalAuthToken>

    package init(
        serverURL: String,
        credentials: ModalCredentials,
        http: any HTTPClient,
        clock: any WallClock = SystemClock(),
        retryPolicy: RetryPolicy = .modal,
        callTimeout: TimeInterval = 30,
        maxThrottleWait: TimeInterval = 300
    ) {
        let trimmed = serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL
        // AuthTokenGet goes through a copy whose own token source is never used (it sends no token).
        let bare = ModalGRPCClient(
            serverURL: trimmed,
            credentials: credentials,
            http: http,
            clock: clock,
            retryPolicy: retryPolicy,
            callTimeout: callTimeout,
            maxThrottleWait: maxThrottleWait,
            tokens: ExpiringValue(clock: clock, refreshMargin: 0) {
                throw ProviderError(.unauthorized, "Modal: AuthTokenGet needs no auth token")
            }
        )
        let tokens = ExpiringValue<ModalAuthToken>(clock: clock, refreshMargin: 0) {
            let token = try await bare.fetchAuthToken()
            // The refresh point stands in for the expiry, so ExpiringValue refetches halfway through (§5.2).
            return (token, token.refreshAt)
        }
        self.init(
            serverURL: trimmed,
            credentials: credentials,
            http: http,
            clock: clock,
            retryPolicy: retryPolicy,
            callTimeout: callTimeout,
            maxThrottleWait: maxThrottleWait,
            tokens: tokens
        )
    }

    private init(
        serverURL: String,
        credentials: ModalCredentials,
        http: any HTTPClient,
        clock: any WallClock,
        retryPolicy: RetryPolicy,
        callTimeout: TimeInterval,
        maxThrottleWait: TimeInterval,
        tokens: ExpiringValue<ModalAuthToken>
    ) {
        self.serverURL = serverURL
        self.credentials = credentials
        self.http = http
        self.clock = clock
        self.retryPolicy = retryPolicy
        self.callTimeout = callTimeout
        self.maxThrottleWait = maxThrottleWait
        self.tokens = tokens
    }

    /// `AuthTokenGet{}` → `{token = 1}`, sent with the token id and secret only.
    private func fetchAuthToken() async throws -> ModalAuthToken {
        let reply = try await send(
            .authTokenGet,
            ModalMessages.authTokenGet(),
            authToken: nil,
            idempotencyKey: UUID().uuidString.lowercased(),
            timeout: callTimeout
        )
        guard let message = reply.first else {
            throw ProviderError(.unauthorized, "\(place(.authTokenGet)): empty response")
        }
        let jwt = try decode(.authTokenGet) { () throws(ProtobufError) in try ModalMessages.authToken(message) }
        guard !jwt.isEmpty else { throw ProviderError(.unauthorized, "\(place(.authTokenGet)): no token in the response") }
        return ModalAuthToken(jwt: jwt, receivedAt: clock.now())
    }

    /// One unary call; returns the response message.
    package func unary(
        _ rpc: ModalRPC,
        _ message: [UInt8],
        idempotencyKey: String = UUID().uuidString.lowercased(),
        timeout: TimeInterval? = nil
    ) async throws -> ProtobufMessage {
        let messages = try await call(rpc, message, idempotencyKey: idempotencyKey, timeout: timeout)
        guard let first = messages.first, messages.count == 1 else {
            throw ProviderError(.rejected, "\(place(rpc)): expected one response message, got \(messages.count)", providerCode: "PROTOCOL")
        }
        return first
    }

    /// One call whose response may carry several messages (a server-streaming RPC read to its end).
    package func call(
        _ rpc: ModalRPC,
        _ message: [UInt8],
        idempotencyKey: String = UUID().uuidString.lowercased(),
        timeout: TimeInterval? = nil
    ) async throws -> [ProtobufMessage] {
        var refreshed = false
        while true {
            let token = try await tokens.get()
            do {
                return try await send(rpc, message, authToken: token.token.value, idempotencyKey: idempotencyKey, timeout: timeout ?? callTimeout)
            } catch let error as ProviderError where error.code == .unauthorized && error.providerCode == "UNAUTHENTICATED" && !refreshed {
                // The token may have been revoked or expired early: refresh it once (§5.4).
                refreshed = true
                await tokens.invalidate()
            }
        }
    }

    /// The token fetches so far (tests check the cache works).
    package var authTokenFetches: Int { get async { await tokens.fetchCount } }

    func place(_ rpc: ModalRPC) -> String { "Modal \(rpc.rawValue) (\(serverURL))" }

    func decode<T>(_ rpc: ModalRPC, _ body: () throws(ProtobufError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw ProviderError(.rejected, "\(place(rpc)): response could not be decoded: \(error.message)", providerCode: "DECODE")
        }
    }

    /// Sends with retries; throws ``ProviderError``.
    private func send(
        _ rpc: ModalRPC,
        _ message: [UInt8],
        authToken: String?,
        idempotencyKey: String,
        timeout: TimeInterval
    ) async throws -> [ProtobufMessage] {
        var generator = SystemRandomNumberGenerator()
        var attempt = ModalGRPCClient.Attempt()
        let firstSent = clock.now()
        var throttleWaited: TimeInterval = 0
        while true {
            let request = ModalGRPCClient.request(
                serverURL: serverURL,
                rpc: rpc,
                message: message,
                credentials: credentials,
                authToken: authToken,
                idempotencyKey: idempotencyKey,
                attempt: attempt,
                timeout: timeout
            )
            let failure: RetryFailure
            let providerError: ProviderError
            do {
                let response = try await http.execute(request)
                let status = GRPCStatus.of(response)
                if status.isOK { return try frames(rpc, response) }
                if status.code == GRPCStatusCode.resourceExhausted, let hint = status.retryAfter,
                    throttleWaited + hint <= maxThrottleWait
                {
                    // A server throttle hint: wait as asked; it does not use up an attempt (§1.2).
                    throttleWaited += hint
                    try await clock.sleep(until: clock.now().addingTimeInterval(hint))
                    attempt.throttleRetry += 1
                    attempt.throttleDelay = throttleWaited
                    attempt.secondsSinceFirst = clock.now().timeIntervalSince(firstSent)
                    continue
                }
                failure = .grpc(code: status.code, serverRetryAfter: status.retryAfter)
                var error = status.providerError(place: place(rpc))
                error.message = scrub(error.message)
                providerError = error
            } catch let error as HTTPClientError {
                failure = .transport(error)
                let code: ProviderError.Code = error.code == .cancelled ? .rejected : (error.isAmbiguous ? .ambiguous : .unavailable)
                providerError = ProviderError(code, "\(place(rpc)): \(scrub(error.description))", providerCode: error.code.rawValue)
            }
            let decision = retryPolicy.decide(
                after: failure,
                attempt: attempt.retry + 1,
                method: "POST",
                isIdempotent: rpc.isIdempotent,
                now: clock.now(),
                using: &generator
            )
            switch decision {
            case .retry(let delay):
                try await clock.sleep(until: clock.now().addingTimeInterval(delay))
                attempt.retry += 1
                attempt.secondsSinceFirst = clock.now().timeIntervalSince(firstSent)
            case .lookUpBeforeResend:
                var ambiguous = providerError
                ambiguous.code = .ambiguous
                throw ambiguous
            case .giveUp:
                throw providerError
            }
        }
    }

    private func frames(_ rpc: ModalRPC, _ response: HTTPResponse) throws -> [ProtobufMessage] {
        let payloads: [[UInt8]]
        do {
            payloads = try GRPCFrame.decode(response.body, method: place(rpc))
        } catch {
            throw ProviderError(.rejected, error.message, providerCode: "PROTOCOL")
        }
        return try payloads.map { payload in try decode(rpc) { () throws(ProtobufError) in try ProtobufMessage(payload) } }
    }

    /// Removes the token secret from text that came from elsewhere (a server message, a transport error),
    /// so it can never reach an error message or a log even if a peer echoes it.
    private func scrub(_ text: String) -> String {
        let secret = credentials.tokenSecret.value
        guard !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: "<redacted>")
    }
}
