import Foundation

/// What to do after a failed attempt (the output of ``RetryPolicy/decide(after:attempt:method:isIdempotent:now:using:)``).
package enum RetryDecision: Sendable, Equatable {
    /// Send the request again after waiting this many seconds.
    case retry(after: TimeInterval)
    /// Stop and report the failure.
    case giveUp(GiveUpReason)
    /// The request is not idempotent and may have reached the provider: look the run up by its
    /// idempotency key before anything is re-sent (docs/provider-apis.md §1.2, §1.3).
    case lookUpBeforeResend
}

/// Why a ``RetryDecision/giveUp(_:)`` was chosen.
package enum GiveUpReason: Sendable, Equatable {
    /// The failure is final: a client error, a TLS or configuration problem, or a body too large.
    case notRetryable
    /// The attempt cap was reached; `attempts` were made.
    case attemptsExhausted(attempts: Int)
    /// 401 / gRPC UNAUTHENTICATED: refresh the credentials once, then the caller may send again.
    case refreshCredentials
    /// The caller cancelled the request.
    case cancelled
    /// The server asked for a wait longer than ``RetryPolicy/maxRetryAfter``.
    case retryAfterTooLong(TimeInterval)
}
