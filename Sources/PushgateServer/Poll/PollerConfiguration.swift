import Foundation
import PushgateCore

/// How the poller tracks submitted runs.
package struct PollerConfiguration: Sendable {
    /// Time between poll passes; each pass waits this plus up to `jitter` of it.
    package var interval: TimeInterval = 2
    package var jitter: Double = 0.2
    /// A submitted run whose infrastructure has not started after this long is Crashed (and stopped).
    package var startTimeout: TimeInterval = 600
    /// A running run is stopped and Crashed after this long; nil for no limit (Prefect Cloud: 24 h).
    package var maxRunTime: TimeInterval? = 86_400
    /// Most runs polled per pass.
    package var batchLimit: Int = 5_000
    /// Most provider calls in flight at once (status batches, cancels, clean-ups).
    package var maxConcurrentCalls: Int = 16
    /// Backoff between attempts of a failed clean-up (never given up: a clean-up waits in the store until the
    /// provider confirms it); at least one poll interval.
    package var cleanupRetry = RetryPolicy(maxAttempts: .max, baseDelay: 5, multiplier: 2, maxDelay: 900)

    package init() {}
}
