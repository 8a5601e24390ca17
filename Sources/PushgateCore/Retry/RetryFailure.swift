import Foundation

/// One failed attempt as the retry policy sees it. Callers parse the provider's error code from the
/// body (ECS `__type`, Google `error.status`, Azure `error.code`) so the policy stays format-agnostic.
package enum RetryFailure: Sendable, Equatable {
    /// An HTTP response with an error status.
    case response(status: Int, headers: HTTPHeaders = [:], errorCode: String? = nil)
    /// A gRPC status other than OK (Modal), from `grpc-status`; `serverRetryAfter` is a throttle hint
    /// such as `modal.client.RPCRetryPolicy.retry_after_secs`.
    case grpc(code: Int, headers: HTTPHeaders = [:], serverRetryAfter: TimeInterval? = nil)
    /// No response: a transport failure.
    case transport(HTTPClientError)
}
