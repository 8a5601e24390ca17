import Foundation

/// When and how long to wait before sending a failed request again: a pure value, so every decision
/// is a function of the failure, the attempt number, the time and the random source passed in.
///
/// Backoff is exponential with full jitter (a uniform draw in `0...min(maxDelay, base × multiplier^(n-1))`,
/// as botocore's `ExponentialBackoff` does); a server's retry-after hint raises the wait. A request
/// that is not idempotent is never re-sent after an ambiguous failure: the decision is
/// ``RetryDecision/lookUpBeforeResend`` (docs/provider-apis.md §1.2).
package struct RetryPolicy: Sendable, Equatable {
    /// Most attempts in all, the first included.
    package var maxAttempts: Int
    /// Base delay for transient failures (5xx, connection errors).
    package var baseDelay: TimeInterval
    /// Base delay for throttling.
    package var throttlingBaseDelay: TimeInterval
    /// Growth factor per attempt.
    package var multiplier: Double
    /// Cap on the computed backoff (before jitter).
    package var maxDelay: TimeInterval
    /// A server asking for a longer wait than this is given up on.
    package var maxRetryAfter: TimeInterval
    /// Retry-after headers consulted, first present wins.
    package var retryAfterHeaders: [RetryAfterHeader]
    /// When set, a server hint raises the jittered delay by at most this much (botocore: 5 s);
    /// when `nil`, the hint is honoured in full.
    package var maxRetryAfterExtension: TimeInterval?
    package var rules: RetryRules

    package init(
        maxAttempts: Int = 3,
        baseDelay: TimeInterval = 0.05,
        throttlingBaseDelay: TimeInterval = 1,
        multiplier: Double = 2,
        maxDelay: TimeInterval = 20,
        maxRetryAfter: TimeInterval = 300,
        retryAfterHeaders: [RetryAfterHeader] = [.retryAfter],
        maxRetryAfterExtension: TimeInterval? = nil,
        rules: RetryRules = RetryRules()
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.throttlingBaseDelay = throttlingBaseDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.retryAfterHeaders = retryAfterHeaders
        self.maxRetryAfterExtension = maxRetryAfterExtension
        self.rules = rules
    }

    /// How a failure is classified before deciding.
    package struct Classification: Sendable, Equatable {
        package var retryable = false
        package var throttled = false
        /// The request may have been processed (timeout, reset, 5xx): unsafe to re-send blindly.
        package var ambiguous = false
        package var unauthenticated = false
        package var cancelled = false
    }

    /// Decides what follows failed attempt number `attempt` (1 for the first send).
    package func decide(
        after failure: RetryFailure,
        attempt: Int,
        method: String,
        isIdempotent: Bool,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> RetryDecision {
        let kind = classify(failure, method: method, now: now)
        if kind.cancelled { return .giveUp(.cancelled) }
        if kind.unauthenticated { return .giveUp(.refreshCredentials) }
        if !isIdempotent && kind.ambiguous { return .lookUpBeforeResend }
        guard kind.retryable else { return .giveUp(.notRetryable) }
        guard attempt < maxAttempts else { return .giveUp(.attemptsExhausted(attempts: attempt)) }

        var delay = backoff(attempt: attempt, throttled: kind.throttled, using: &generator)
        if let hint = serverHint(failure, now: now) {
            guard hint <= maxRetryAfter else { return .giveUp(.retryAfterTooLong(hint)) }
            if let extensionCap = maxRetryAfterExtension {
                delay = min(max(delay, hint), delay + extensionCap)
            } else {
                delay = max(delay, hint)
            }
        }
        return .retry(after: delay)
    }

    /// A full-jitter delay for retry number `attempt`: uniform in `0...min(maxDelay, base × multiplier^(attempt-1))`.
    package func backoff(attempt: Int, throttled: Bool, using generator: inout some RandomNumberGenerator) -> TimeInterval {
        let ceiling = backoffCeiling(attempt: attempt, throttled: throttled)
        guard ceiling > 0 else { return 0 }
        return Double.random(in: 0...ceiling, using: &generator)
    }

    /// The upper bound of ``backoff(attempt:throttled:using:)``.
    package func backoffCeiling(attempt: Int, throttled: Bool) -> TimeInterval {
        let base = throttled ? throttlingBaseDelay : baseDelay
        let exponent = Double(max(0, attempt - 1))
        return min(maxDelay, base * pow(multiplier, exponent))
    }

    /// The wait the server asked for, if any.
    package func serverHint(_ failure: RetryFailure, now: Date) -> TimeInterval? {
        switch failure {
        case .response(_, let headers, _):
            return retryAfterHeaders.lazy.compactMap { $0.wait(in: headers, now: now) }.first
        case .grpc(_, let headers, let serverRetryAfter):
            return serverRetryAfter ?? retryAfterHeaders.lazy.compactMap { $0.wait(in: headers, now: now) }.first
        case .transport:
            return nil
        }
    }

    package func classify(_ failure: RetryFailure, method: String, now: Date) -> Classification {
        var kind = Classification()
        switch failure {
        case .transport(let error):
            kind.ambiguous = error.isAmbiguous
            switch error.code {
            case .cancelled: kind.cancelled = true
            case .connectFailed, .connectTimeout, .timeout, .connectionReset, .other: kind.retryable = true
            case .tls, .invalidRequest, .responseTooLarge: kind.retryable = false
            }
        case .response(let status, let headers, let errorCode):
            if rules.unauthenticatedStatuses.contains(status) {
                kind.unauthenticated = true
                return kind
            }
            if let code = errorCode, rules.throttlingErrorCodes.contains(code) {
                kind.retryable = true
                kind.throttled = true
            } else if rules.throttlingStatuses.contains(status) {
                kind.retryable = true
                kind.throttled = true
            } else if let code = errorCode, rules.transientErrorCodes.contains(code) {
                kind.retryable = true
            } else if rules.transientStatuses.contains(status) {
                kind.retryable = true
            } else if let from = rules.transientStatusesFrom, status >= from {
                kind.retryable = true
            }
            let upper = method.uppercased()
            if let allowed = rules.postAndPatchRetryableStatuses, upper == "POST" || upper == "PATCH",
                !allowed.contains(status)
            {
                kind.retryable = false
            }
            if rules.retryAnyStatusWithRetryAfter, status >= 400,
                retryAfterHeaders.contains(where: { $0.wait(in: headers, now: now) != nil })
            {
                kind.retryable = true
            }
            kind.ambiguous = status >= 500 && !kind.throttled
        case .grpc(let code, _, _):
            if code == GRPCStatusCode.unauthenticated {
                kind.unauthenticated = true
                return kind
            }
            if rules.throttlingGRPCCodes.contains(code) {
                kind.retryable = true
                kind.throttled = true
            } else if rules.transientGRPCCodes.contains(code) {
                kind.retryable = true
            }
            kind.ambiguous = [
                GRPCStatusCode.cancelled, GRPCStatusCode.unknown, GRPCStatusCode.deadlineExceeded,
                GRPCStatusCode.internalError, GRPCStatusCode.unavailable,
            ].contains(code)
        }
        return kind
    }
}
