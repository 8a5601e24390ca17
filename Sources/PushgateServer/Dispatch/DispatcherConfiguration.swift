import Foundation
import PushgateCore

/// How the dispatcher claims and submits; defaults suit one gateway on a small machine.
package struct DispatcherConfiguration: Sendable {
    /// This replica's name: the lease owner of its claims.
    package var owner: String
    /// Time between claim passes when there is nothing to do.
    package var interval: TimeInterval = 0.25
    /// Most runs one claim takes for one pool.
    package var claimBatch: Int = 200
    /// How long a claim is held without renewal before another replica may take the run over.
    package var leaseDuration: TimeInterval = 60
    /// Most submissions in flight at once for one pool. Pacing, not this, keeps a provider within its
    /// quota; this bounds the memory and the lease renewals of claimed runs. 64 left a 2-core gateway idle
    /// a quarter of the time against a fast API (`pushgate-bench scale`: 1,740 runs/s; 256: 2,400).
    package var maxConcurrentSubmissionsPerPool: Int = 256
    /// Retryable submission failures (throttling, 5xx) before the run is marked Crashed.
    package var maxSubmitAttempts: Int = 8
    /// Backoff between retryable submission failures: full jitter on `base * 2^n`, capped.
    package var backoffBase: TimeInterval = 0.2
    package var backoffCap: TimeInterval = 20
    /// Environment added to every submission of the named pools and never written to the store: the
    /// Prefect credentials the bridge hands its flow runs. The values are secrets (hidden wherever a
    /// submission is shown), and a value the run or deployment sets wins (SubmissionJob+Environment.swift).
    package var poolEnvironment: [String: [String: String]] = [:]

    package init(owner: String) { self.owner = owner }
}

extension DispatcherConfiguration {
    /// The submission retry rule: `maxSubmitAttempts` failed calls, full jitter on `backoffBase × 2^n`
    /// capped at `backoffCap`, for throttling and transient failures alike.
    package var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: maxSubmitAttempts, baseDelay: backoffBase, throttlingBaseDelay: backoffBase, multiplier: 2, maxDelay: backoffCap)
    }
}
