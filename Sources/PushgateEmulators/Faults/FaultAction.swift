import Foundation

/// What an injected fault does.
package enum FaultAction: Sendable, Equatable {
    /// Answer this status with the provider's error body; nothing is processed.
    case status(Int)
    /// 429 with `Retry-After` seconds; nothing is processed.
    case throttle(retryAfterSeconds: Int)
    /// Close the connection before processing.
    case dropBeforeProcessing
    /// Process the call, then close the connection without answering.
    case dropAfterProcessing
    /// Process and answer after this many seconds.
    case delay(TimeInterval)
}
