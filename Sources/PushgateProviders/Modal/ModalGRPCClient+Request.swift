import Foundation
import PushgateCore
import PushgateSigning

extension ModalGRPCClient {
    /// Header names whose values are secrets, redacted in dry-run output and never put in errors
    /// (docs/provider-apis.md §1.1).
    package static let secretHeaders: Set<String> = ["x-modal-token-secret", "x-modal-auth-token"]

    /// Where a retry stands, for the `x-retry-*` headers modal-go sends (docs/provider-apis.md §1.2).
    package struct Attempt: Sendable, Equatable {
        /// Retries after transient failures so far (0 on the first send).
        package var retry = 0
        /// Retries after a server throttle hint so far.
        package var throttleRetry = 0
        /// Seconds since the first send, when this is a retry.
        package var secondsSinceFirst: TimeInterval?
        /// Seconds waited for throttling so far, when this is a throttle retry.
        package var throttleDelay: TimeInterval?

        package init(retry: Int = 0, throttleRetry: Int = 0, secondsSinceFirst: TimeInterval? = nil, throttleDelay: TimeInterval? = nil) {
            self.retry = retry
            self.throttleRetry = throttleRetry
            self.secondsSinceFirst = secondsSinceFirst
            self.throttleDelay = throttleDelay
        }
    }

    /// One gRPC call as an HTTP/2 request: `POST {server}/modal.client.ModalClient/<Method>`, the framed
    /// message as body, `content-type: application/grpc`, `te: trailers`, `grpc-timeout`, the credential
    /// metadata of §5.2 (the auth token on every call but AuthTokenGet) and the per-call idempotency and
    /// retry headers of §1.2. Pure: the dry run and the tests build the same request the client sends.
    package static func request(
        serverURL: String,
        rpc: ModalRPC,
        message: [UInt8],
        credentials: ModalCredentials,
        authToken: String?,
        idempotencyKey: String,
        attempt: Attempt,
        timeout: TimeInterval
    ) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add("content-type", "application/grpc")
        headers.add("te", "trailers")
        headers.add("grpc-timeout", GRPCTimeout.headerValue(timeout))
        for field in credentials.metadata() { headers.add(field.name, field.value) }
        if rpc != .authTokenGet, let authToken { headers.add("x-modal-auth-token", authToken) }
        headers.add("x-idempotency-key", idempotencyKey)
        headers.add("x-retry-attempt", String(attempt.retry))
        headers.add("x-throttle-retry-attempt", String(attempt.throttleRetry))
        if let since = attempt.secondsSinceFirst { headers.add("x-retry-delay", String(format: "%.3f", since)) }
        if let delay = attempt.throttleDelay { headers.add("x-throttle-retry-delay", String(format: "%.3f", delay)) }
        return HTTPRequest(
            method: "POST",
            url: serverURL + rpc.path,
            headers: headers,
            body: GRPCFrame.encode(message),
            // The transport gives up a little after the server's deadline, so DEADLINE_EXCEEDED wins the race.
            timeout: timeout + 5,
            isIdempotent: rpc.isIdempotent
        )
    }

    /// `request` with every secret header value replaced by `<redacted>`.
    package static func redacted(_ request: HTTPRequest) -> HTTPRequest {
        var copy = request
        copy.headers = HTTPHeaders(
            request.headers.map { field in
                secretHeaders.contains(field.name.lowercased()) ? (field.name, "<redacted>") : field
            }
        )
        return copy
    }

    /// A UUID (RFC 9562 version 8, name-based) from SHA-256 of `name`: the `x-idempotency-key` of a
    /// submission step is stable across retries, crashes and replicas, like the run's own idempotency key.
    package static func uuid(forName name: String) -> String {
        var bytes = Array(Digest.sha256(name).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let cuts = [0, 8, 12, 16, 20, 32]
        return (0..<5).map { index -> String in
            let start = hex.index(hex.startIndex, offsetBy: cuts[index])
            let end = hex.index(hex.startIndex, offsetBy: cuts[index + 1])
            return String(hex[start..<end])
        }.joined(separator: "-")
    }
}
