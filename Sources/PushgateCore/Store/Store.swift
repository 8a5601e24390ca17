import Foundation

/// The gateway's durable state: pools, queues, deployments, runs and their state history. Every write is
/// atomic and leaves nothing changed when it throws a ``StoreError``. Time is always passed in (`now`), so
/// callers drive it with a real or manual clock.
package protocol Store: Sendable {
    /// Releases the store's connections; later calls fail with `.io`. Calling it again does nothing.
    func close() async

    /// Why the store cannot take writes now (locked for longer than its busy timeout, disk full, read-only),
    /// or nil when it can: `/health` reports it, since reads may still succeed while every write fails.
    func writeUnavailableReason() async -> String?

    // MARK: Pools

    /// Creates a pool and its undeletable `default` queue (priority 1).
    func createPool(_ spec: WorkPoolSpec, now: Date) async throws -> WorkPool
    func pool(named name: String) async throws -> WorkPool
    func pools() async throws -> [WorkPool]
    func updatePool(named name: String, _ update: WorkPoolUpdate, now: Date) async throws -> WorkPool
    /// Deletes a pool and its queues; refused while deployments use it.
    /// The text of one of the pool's template versions (every version is kept).
    func poolTemplate(pool: String, version: Int) async throws -> String
    /// Records why `serve` cannot submit the pool's runs, or clears it (nil); written when it changes.
    func setPoolStatusReason(pool: String, reason: String?) async throws
    func deletePool(named name: String) async throws

    // MARK: Queues

    /// Creates a queue; a taken priority shifts the queues from there down (``QueuePriorities``).
    func createQueue(pool: String, _ spec: WorkQueueSpec, now: Date) async throws -> WorkQueue
    func queue(pool: String, named name: String) async throws -> WorkQueue
    /// The pool's queues in priority order.
    func queues(pool: String) async throws -> [WorkQueue]
    func updateQueue(pool: String, named name: String, _ update: WorkQueueUpdate, now: Date) async throws -> WorkQueue
    /// Deletes a queue; refused for `default` and for queues deployments or unfinished runs use.
    func deleteQueue(pool: String, named name: String) async throws

    // MARK: Deployments

    func createDeployment(_ spec: DeploymentSpec, now: Date) async throws -> Deployment
    func deployment(named name: String) async throws -> Deployment
    func deployments(pool: String?) async throws -> [Deployment]
    /// Changes a deployment's queue, job variables or limit; runs already created keep their queue.
    func updateDeployment(named name: String, _ update: DeploymentUpdate, now: Date) async throws -> Deployment
    /// Deletes a deployment and the records of its finished runs; refused while it has unfinished runs.
    func deleteDeployment(named name: String) async throws

    // MARK: Runs

    /// Creates a Scheduled run. With an idempotency key already used by the deployment, returns that run
    /// (`created == false`) and changes nothing.
    func createRun(_ spec: FlowRunSpec, now: Date) async throws -> FlowRunCreation
    /// Creates many runs in one transaction (all or none).
    func createRuns(_ specs: [FlowRunSpec], now: Date) async throws -> [FlowRunCreation]
    func run(id: String) async throws -> FlowRun
    /// Runs ordered by scheduled time.
    func runs(_ filter: FlowRunFilter) async throws -> [FlowRun]
    /// The run's state history, oldest first.
    func history(runID: String) async throws -> [StateTransition]
    /// How many runs match `filter` (its limit aside): what a listing that stops at the limit reports.
    func countRuns(_ filter: FlowRunFilter) async throws -> Int
    /// Runs in each non-terminal state per pool and queue (states with none are left out).
    func nonTerminalRunCounts() async throws -> [RunCount]
    /// Late, Pending, Running and Cancelling runs per pool and queue: what the web pages show, read through
    /// a partial index of those states, never the Scheduled backlog (a million rows on a big store).
    func liveRunCounts() async throws -> [RunCount]
    /// Deletes up to `limit` runs that ended before `cutoff`, with their history, oldest first, in one short
    /// transaction; runs whose provider clean-up is still pending are kept. Returns how many went.
    func pruneFinishedRuns(finishedBefore cutoff: Date, limit: Int) async throws -> Int
    /// Per minute since `since`, the pool's submissions and terminal states (the pool page's chart).
    func runActivity(pool: String, since: Date) async throws -> [RunActivity]

    // MARK: Scheduling

    /// Atomically takes up to `limit` due runs of the pool, chosen by ``SelectionPolicy``, moving them from
    /// Scheduled/Late to Pending with a new attempt and a lease for `owner` until `now + leaseDuration`.
    /// Stamps the pool's unpaused queues as considered. Two claimers never take the same run.
    func claim(pool: String, owner: String, limit: Int, leaseDuration: TimeInterval, now: Date) async throws -> [FlowRun]
    /// What a claim at `now` would do, for up to `upcoming` due and `upcoming` not-due runs per queue:
    /// picked runs first in submission order, then held runs with their reasons. Changes nothing.
    func preview(pool: String, now: Date, upcoming: Int) async throws -> [PreviewEntry]
    /// Marks Scheduled runs due at least ``RunStateMachine/lateAfter`` seconds before `now` as Late.
    /// Returns how many changed.
    func markLateRuns(now: Date) async throws -> Int
    /// The earliest scheduled time after `now` of any Scheduled run, or nil: the idle dispatcher sleeps
    /// until then (or its interval, whichever is sooner) instead of finding a run up to an interval late.
    func nextScheduledTime(after now: Date) async throws -> Date?

    // MARK: Run lifecycle

    /// Records the provider's handle of a claimed run; the caller must hold the lease.
    func markSubmitted(runID: String, owner: String, providerHandle: String, templateVersion: Int?, now: Date) async throws -> FlowRun
    func markRunning(runID: String, reason: String, now: Date) async throws -> FlowRun
    /// Moves a run to a terminal state (Completed, Failed, Crashed, Cancelled). Terminal runs never change.
    func markTerminal(runID: String, state: RunState, reason: String, now: Date) async throws -> FlowRun
    /// Cancels a run that has not been claimed, or marks a claimed or running one Cancelling.
    func requestCancel(runID: String, reason: String, now: Date) async throws -> FlowRun
    /// Extends the caller's lease on a Pending or Cancelling run.
    func renewLease(runID: String, owner: String, until: Date, now: Date) async throws -> FlowRun
    /// Gives a claimed run that was never submitted back to its queue (Pending → Scheduled).
    func releaseClaim(runID: String, owner: String, reason: String, now: Date) async throws -> FlowRun
    /// Takes over Pending or Cancelling runs of the pool whose lease expired before `now` (their owner died):
    /// the attempt and submission key stay the same, so the new owner looks the key up at the provider
    /// before sending anything again.
    func reclaimExpiredLeases(
        pool: String,
        owner: String,
        leaseDuration: TimeInterval,
        now: Date,
        limit: Int
    )
        async throws -> [FlowRun]

    // MARK: Tracking and clean-up (docs/design.md "Clean-up")

    /// Records why an in-flight run's workload is unconfirmed, or clears the note (nil). No history entry:
    /// the note is not a state change, and any state change clears it.
    func setTrackingNote(runID: String, note: String?) async throws
    /// Clean-ups due by `dueBy` (every one when nil), soonest first. A terminal transition of a submitted
    /// run records its clean-up in the same transaction.
    func pendingCleanups(dueBy: Date?, limit: Int) async throws -> [PendingCleanup]
    /// The provider confirmed the clean-up: it is forgotten.
    func completeCleanup(runID: String) async throws
    /// The clean-up failed: the attempt is counted, the error kept, and the next try set.
    func deferCleanup(runID: String, error: String, nextAttemptAt: Date) async throws
}

extension Store {
    /// A submission whose template version is not known (tests, the stress generator).
    package func markSubmitted(runID: String, owner: String, providerHandle: String, now: Date) async throws -> FlowRun {
        try await markSubmitted(runID: runID, owner: owner, providerHandle: providerHandle, templateVersion: nil, now: now)
    }
}

extension Store {
    /// A store whose failures all surface on the call that hit them reports none here.
    package func writeUnavailableReason() async -> String? { nil }
}
