import Foundation

/// What a finished run left at its provider (a Cloud Run job, an ACI group, a per-run task definition),
/// kept until the provider confirms it is gone. Recorded with the run's terminal state, so neither a
/// crash nor a refused delete forgets it (docs/design.md "Clean-up").
package struct PendingCleanup: Sendable, Hashable {
    package var run: FlowRun
    package var providerHandle: String
    /// Clean-up calls made so far that failed.
    package var attempts: Int
    package var nextAttemptAt: Date
    /// The last failure, in the provider's words; nil before the first attempt.
    package var lastError: String?
    package var createdAt: Date

    package init(run: FlowRun, providerHandle: String, attempts: Int, nextAttemptAt: Date, lastError: String?, createdAt: Date) {
        self.run = run
        self.providerHandle = providerHandle
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
    }
}
