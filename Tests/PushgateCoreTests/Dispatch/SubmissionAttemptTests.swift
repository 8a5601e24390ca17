import Foundation
import PushgateCore
import Testing

/// Every outcome sequence of one claimed run's submission, without sockets: the exactly-once rule
/// (docs/design.md "Exactly once") as the actions the dispatcher is told to perform.
@Suite("SubmissionAttempt: the exactly-once rule as actions")
struct SubmissionAttemptTests {
    typealias Attempt = SubmissionAttempt<SplitMix64>
    typealias Outcome = Attempt.Outcome
    typealias Action = Attempt.Action

    static let handle = ProviderHandle("cluster::task/1")
    static let policy = RetryPolicy(maxAttempts: 4, baseDelay: 0.2, throttlingBaseDelay: 0.2, multiplier: 2, maxDelay: 20)

    /// Runs `outcomes` through a fresh attempt and returns the actions: the first, then one per outcome.
    static func actions(reconcile: Bool = false, cancelRequested: Bool = false, seed: UInt64 = 7, _ outcomes: [Outcome]) -> [Action] {
        var attempt = Attempt(reconcile: reconcile, cancelRequested: cancelRequested, policy: policy, generator: SplitMix64(seed: seed))
        return [attempt.start()] + outcomes.map { attempt.record($0) }
    }

    static func error(_ code: ProviderError.Code, retryAfter: Double? = nil) -> ProviderError {
        ProviderError(code, "boom", httpStatus: 503, retryAfter: retryAfter)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var reconcile = false
        var cancelRequested = false
        var outcomes: [Outcome]
        /// The actions expected; waits compare by kind and penalty (the delay is checked separately).
        var expected: [Action]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a fresh claim is submitted once", outcomes: [.submitted(handle)], expected: [.submit, .recordSubmitted(handle, adopted: false)]),
        Case(
            name: "a reclaimed lease is looked up first and adopted when found",
            reconcile: true,
            outcomes: [.found(handle)],
            expected: [.lookUp, .recordSubmitted(handle, adopted: true)]
        ),
        Case(
            name: "a reclaimed lease with nothing at the provider is submitted",
            reconcile: true,
            outcomes: [.found(nil), .submitted(handle)],
            expected: [.lookUp, .submit, .recordSubmitted(handle, adopted: false)]
        ),
        Case(
            name: "an ambiguous failure is looked up before anything is re-sent",
            outcomes: [.failed(error(.ambiguous)), .waited, .found(handle)],
            expected: [.submit, .wait(seconds: 0, penalty: nil), .lookUp, .recordSubmitted(handle, adopted: true)]
        ),
        Case(
            name: "a conflict is looked up, and re-sent only when the key is not there",
            outcomes: [.failed(error(.conflict)), .waited, .found(nil), .submitted(handle)],
            expected: [.submit, .wait(seconds: 0, penalty: nil), .lookUp, .submit, .recordSubmitted(handle, adopted: false)]
        ),
        Case(
            name: "throttling waits, penalises the quota by Retry-After and re-sends",
            outcomes: [.failed(error(.throttled, retryAfter: 3)), .waited, .submitted(handle)],
            expected: [.submit, .wait(seconds: 3, penalty: 3), .submit, .recordSubmitted(handle, adopted: false)]
        ),
        Case(
            name: "a failed look-up is looked up again, never resolved by re-sending",
            reconcile: true,
            outcomes: [.failed(error(.unavailable)), .waited, .found(nil), .submitted(handle)],
            expected: [.lookUp, .wait(seconds: 0, penalty: nil), .lookUp, .submit, .recordSubmitted(handle, adopted: false)]
        ),
        Case(
            name: "an unclassified failure is looked up at once",
            outcomes: [.failedUnclassified("socket closed"), .found(handle)],
            expected: [.submit, .lookUp, .recordSubmitted(handle, adopted: true)]
        ),
        Case(
            name: "an invalid configuration ends the run Crashed",
            outcomes: [.failed(ProviderError(.invalidConfiguration, "no image"))],
            expected: [.submit, .end(.crashed, reason: "invalid job configuration: no image")]
        ),
        Case(
            name: "a refusal ends the run Crashed with the provider's words",
            outcomes: [.failed(ProviderError(.rejected, "bad subnet", httpStatus: 400))],
            expected: [.submit, .end(.crashed, reason: "submission refused: bad subnet (HTTP 400)")]
        ),
        Case(
            name: "the last retryable failure ends the run Crashed",
            outcomes: [
                .failed(error(.unavailable)), .waited, .failed(error(.unavailable)), .waited, .failed(error(.unavailable)), .waited,
                .failed(error(.unavailable)),
            ],
            expected: [
                .submit, .wait(seconds: 0, penalty: nil), .submit, .wait(seconds: 0, penalty: nil), .submit, .wait(seconds: 0, penalty: nil),
                .submit, .end(.crashed, reason: "submission failed after 4 attempts: boom (HTTP 503)"),
            ]
        ),
        Case(
            name: "unclassified failures are bounded by the same attempt count",
            outcomes: [.failedUnclassified("a"), .failedUnclassified("b"), .failedUnclassified("c"), .failedUnclassified("d")],
            expected: [.submit, .lookUp, .lookUp, .lookUp, .end(.crashed, reason: "submission failed after 4 attempts: d")]
        ),
        Case(
            name: "a run cancelled before submission ends Cancelled without a call",
            cancelRequested: true,
            outcomes: [],
            expected: [.end(.cancelled, reason: "cancelled before submission")]
        ),
        Case(
            name: "a cancelled reclaimed run is looked up first: it may be running",
            reconcile: true,
            cancelRequested: true,
            outcomes: [.found(nil)],
            expected: [.lookUp, .end(.cancelled, reason: "cancelled before submission")]
        ),
        Case(
            name: "stopping while pacing hands the claim back: nothing went out",
            outcomes: [.cancelled(beforeSending: true)],
            expected: [.submit, .handBack]
        ),
        Case(
            name: "stopping during the submit call leaves the lease to expire",
            outcomes: [.cancelled(beforeSending: false)],
            expected: [.submit, .leaveLeased]
        ),
        Case(
            name: "stopping during a reclaimed run's look-up leaves it leased",
            reconcile: true,
            outcomes: [.cancelled(beforeSending: false)],
            expected: [.lookUp, .leaveLeased]
        ),
        Case(
            name: "a lease lost after a throttled submit is left to expire: the call may have gone out",
            outcomes: [.failed(error(.throttled)), .leaseLost],
            expected: [.submit, .wait(seconds: 0, penalty: nil), .leaveLeased]
        ),
        Case(
            name: "a lease lost before anything was sent hands the claim back",
            outcomes: [.cancelled(beforeSending: true)],
            expected: [.submit, .handBack]
        ),
    ]

    @Test(arguments: cases)
    func outcomeSequence(_ c: Case) {
        let actions = Self.actions(reconcile: c.reconcile, cancelRequested: c.cancelRequested, c.outcomes)
        #expect(actions.map(Self.shape) == c.expected.map(Self.shape))
    }

    /// Waits compared by penalty only; their delay is random by design.
    static func shape(_ action: Action) -> Action {
        if case .wait(_, let penalty) = action { return .wait(seconds: 0, penalty: penalty) }
        return action
    }

    @Test func backoffIsFullJitterWithinTheDoublingCeiling() {
        for seed in UInt64(0)..<200 {
            let outcomes: [Outcome] = [
                .failed(Self.error(.unavailable)), .waited, .failed(Self.error(.unavailable)), .waited, .failed(Self.error(.unavailable)),
            ]
            let waits = Self.actions(seed: seed, outcomes).compactMap { action -> TimeInterval? in
                if case .wait(let seconds, _) = action { return seconds }
                return nil
            }
            #expect(waits.count == 3)
            for (index, wait) in waits.enumerated() {
                #expect(wait >= 0 && wait <= Self.policy.backoffCeiling(attempt: index + 1, throttled: false))
            }
        }
    }

    @Test func theSameSeedGivesTheSameWaitsAndAnotherSeedOthers() {
        let outcomes: [Outcome] = [.failed(Self.error(.unavailable)), .waited, .failed(Self.error(.unavailable))]
        #expect(Self.actions(seed: 1, outcomes) == Self.actions(seed: 1, outcomes))
        #expect(Self.actions(seed: 1, outcomes) != Self.actions(seed: 2, outcomes))
    }

    @Test func retryAfterRaisesTheWaitAboveTheJitter() {
        for seed in UInt64(0)..<50 {
            let actions = Self.actions(seed: seed, [.failed(Self.error(.throttled, retryAfter: 30))])
            #expect(actions.last == .wait(seconds: 30, penalty: 30))
        }
    }
}
