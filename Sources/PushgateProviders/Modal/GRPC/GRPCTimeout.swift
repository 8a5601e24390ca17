import Foundation

/// The `grpc-timeout` request header: at most 8 ASCII digits and a unit
/// (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md "Timeout"). The server cancels the
/// call with DEADLINE_EXCEEDED once it passes, so a hung RPC never holds a poller forever.
package enum GRPCTimeout {
    /// Milliseconds when they fit in 8 digits, whole seconds (rounded up) otherwise.
    package static func headerValue(_ seconds: TimeInterval) -> String {
        let millis = max(1, Int((seconds * 1000).rounded(.up)))
        if millis <= 99_999_999 { return "\(millis)m" }
        return "\(min(99_999_999, Int((seconds).rounded(.up))))S"
    }
}
