import Foundation

/// The exactly-once rule for one claimed run's submission, as a state machine the dispatcher drives
/// (docs/design.md "Exactly once"): it is told what happened and answers what to do next, and does no IO.
///
/// - A claim whose earlier owner may have sent it (a reclaimed lease), and any submission whose outcome
///   is unknown, is looked up by its idempotency key before anything is sent again.
/// - Once a submit may have gone out, the claim is never handed back: a new attempt would carry a new key.
///   The lease is left to expire and the next owner reconciles.
/// - Throttling and transient failures wait with full-jitter backoff from ``RetryPolicy`` (the provider's
///   `Retry-After` raises the wait); other refusals end the run Crashed with the reason.
package struct SubmissionAttempt<Generator: RandomNumberGenerator> {
    /// What the dispatcher did and how it went.
    package enum Outcome: Sendable, Equatable {
        /// The look-up found a workload under the key (`nil`: none).
        case found(ProviderHandle?)
        /// The submission was accepted.
        case submitted(ProviderHandle)
        /// The look-up or submission failed with a classified provider error.
        case failed(ProviderError)
        /// The look-up or submission failed in a way nobody classified: treated as an unknown outcome.
        case failedUnclassified(String)
        /// The wait is over and the lease was renewed.
        case waited
        /// The lease could not be renewed after a wait (another owner may take the run).
        case leaseLost
        /// The gateway is stopping. `beforeSending`: the dispatcher stopped before the submit call went
        /// out (while pacing), so that call cannot have taken effect.
        case cancelled(beforeSending: Bool)
    }

    /// What the dispatcher does next; after ``Action/recordSubmitted(_:adopted:)``, ``Action/end(_:reason:)``,
    /// ``Action/handBack`` and ``Action/leaveLeased`` the attempt is over.
    package enum Action: Sendable, Equatable {
        /// Look the idempotency key up at the provider.
        case lookUp
        /// Pace, then send the submission carrying the key.
        case submit
        /// Sleep this long, then renew the lease; `penalty` is the provider's own `Retry-After`, which
        /// holds back every caller of that quota.
        case wait(seconds: TimeInterval, penalty: TimeInterval?)
        /// Record the provider handle (`adopted`: found by the look-up, not sent by this attempt).
        case recordSubmitted(ProviderHandle, adopted: Bool)
        /// End the run in `state` (Crashed or Cancelled) without infrastructure.
        case end(RunState, reason: String)
        /// Nothing was sent: give the claim back to its queue.
        case handBack
        /// A submission may have gone out: keep the claim; its lease expires and the next owner looks it up.
        case leaveLeased
    }

    private var policy: RetryPolicy
    private var generator: Generator
    private var cancelRequested: Bool
    private var mustLookUp: Bool
    private var mayHaveSent: Bool
    private var failures = 0
    private var pending: Action?

    /// - Parameters:
    ///   - reconcile: the run was reclaimed from an owner that died mid-submission: look up first.
    ///   - cancelRequested: the run was Cancelling when claimed: end it instead of submitting.
    ///   - policy: its `maxAttempts` bounds failed calls; its backoff spaces retries.
    package init(reconcile: Bool, cancelRequested: Bool, policy: RetryPolicy, generator: Generator) {
        self.policy = policy
        self.generator = generator
        self.cancelRequested = cancelRequested
        mustLookUp = reconcile
        mayHaveSent = reconcile
    }

    /// The first action.
    package mutating func start() -> Action { next(nextCall()) }

    /// The action that follows `outcome` of the last action.
    package mutating func record(_ outcome: Outcome) -> Action {
        let last = pending
        pending = nil
        if last == .submit, outcome != .cancelled(beforeSending: true) { mayHaveSent = true }
        switch outcome {
        case .found(let handle?):
            return .recordSubmitted(handle, adopted: true)
        case .found(nil):
            mustLookUp = false
            return next(nextCall())
        case .submitted(let handle):
            return .recordSubmitted(handle, adopted: false)
        case .failed(let error):
            return next(failed(error, during: last))
        case .failedUnclassified(let description):
            // The call may have taken effect: look up at once, without waiting.
            failures += 1
            mustLookUp = true
            if failures >= policy.maxAttempts { return .end(.crashed, reason: "submission failed after \(failures) attempts: \(description)") }
            return next(.lookUp)
        case .waited:
            return next(nextCall())
        case .leaseLost, .cancelled:
            return mayHaveSent ? .leaveLeased : .handBack
        }
    }

    /// Look up when the outcome of an earlier call is unknown; else submit, unless a cancel came first.
    private func nextCall() -> Action {
        if mustLookUp { return .lookUp }
        if cancelRequested { return .end(.cancelled, reason: "cancelled before submission") }
        return .submit
    }

    private mutating func failed(_ error: ProviderError, during call: Action?) -> Action {
        failures += 1
        var throttled = false
        switch error.code {
        case .ambiguous, .conflict:
            // The request may have taken effect: look the key up before anything is re-sent.
            mustLookUp = true
        case .throttled, .unavailable:
            // Refused before it took effect. A failed look-up is tried again; a refused submit is re-sent.
            throttled = error.code == .throttled
            if call == .submit { mustLookUp = false }
        case .invalidConfiguration:
            // Found by the provider's own checks before anything was sent.
            return .end(.crashed, reason: "invalid job configuration: \(error.message)")
        default:
            return .end(.crashed, reason: "submission refused: \(error.description)")
        }
        guard failures < policy.maxAttempts else {
            return .end(.crashed, reason: "submission failed after \(failures) attempts: \(error.description)")
        }
        let delay = max(error.retryAfter ?? 0, policy.backoff(attempt: failures, throttled: throttled, using: &generator))
        return .wait(seconds: delay, penalty: error.retryAfter)
    }

    private mutating func next(_ action: Action) -> Action {
        pending = action
        return action
    }
}

extension SubmissionAttempt: Sendable where Generator: Sendable {}
