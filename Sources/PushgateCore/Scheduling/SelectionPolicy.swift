import Foundation

/// Which due runs of a pool go next: the priority waterfall of docs/prefect-semantics.md §4.4 and docs/design.md
/// "Selection", as a pure function so the store's claim, `pool preview` and the tests' model share it.
///
/// - Queues in ascending priority (ties by id), FIFO by scheduled time (ties by run id) within a queue.
/// - A run is due when its scheduled time is at or before `now`.
/// - Free slots = limit − in-flight (Pending, Running), checked for the pool, the queue and the deployment;
///   every pick takes one slot of each.
/// - Paused pools and queues give no runs.
///
/// Where Prefect's SQLite and Postgres paths disagree (§4.4) this policy decides:
/// - The pool's in-flight count **includes runs in paused queues** (the SQLite behaviour and what
///   `active_slots` reports): those runs still occupy infrastructure, so excluding them, as Postgres does,
///   could exceed the pool limit when the queue is resumed.
/// - Claims are exclusive on both backends (one write transaction), not "whoever proposes Pending first".
/// - Deployment limits are applied during selection (a run whose deployment is full is held and the next
///   run of the same queue is considered) instead of rejecting the Pending proposal afterwards.
package enum SelectionPolicy {
    /// Decides every candidate.
    ///
    /// - Parameters:
    ///   - pool: limits, pause flags and in-flight counts.
    ///   - candidates: schedulable runs (Scheduled or Late), due or not, of the pool's queues; order does not matter.
    ///   - now: the decision time.
    ///   - maxClaims: how many runs the caller will take at most (`nil`: no cap, as in previews).
    /// - Returns: the picked runs first, in submission order, then the held runs in queue-priority and
    ///   scheduled-time order, each with its reason.
    package static func select(
        pool: PoolSnapshot,
        candidates: [SelectionCandidate],
        now: Date,
        maxClaims: Int? = nil
    ) -> [SelectionDecision] {
        let queues = pool.queues.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
        var byQueue: [Int64: [SelectionCandidate]] = [:]
        for candidate in candidates { byQueue[candidate.queueID, default: []].append(candidate) }

        var poolFree = pool.concurrencyLimit.map { max(0, $0 - pool.inFlight) }
        var deploymentFree: [Int64: Int] = [:]
        for (id, deployment) in pool.deployments {
            if let limit = deployment.concurrencyLimit { deploymentFree[id] = max(0, limit - deployment.inFlight) }
        }
        var claimsLeft = maxClaims.map { max(0, $0) }
        var picked: [SelectionDecision] = []
        var held: [SelectionDecision] = []

        for queue in queues {
            var queueFree = queue.concurrencyLimit.map { max(0, $0 - queue.inFlight) }
            let runs = (byQueue[queue.id] ?? []).sorted { ($0.scheduledTime, $0.runID) < ($1.scheduledTime, $1.runID) }
            for run in runs {
                let reason: HoldReason?
                if run.scheduledTime > now {
                    reason = .notDue
                } else if pool.isPaused {
                    reason = .poolPaused
                } else if pool.cannotSubmit {
                    reason = .poolCannotSubmit
                } else if queue.isPaused {
                    reason = .queuePaused
                } else if poolFree == 0 {
                    reason = .poolFull
                } else if queueFree == 0 {
                    reason = .queueFull
                } else if deploymentFree[run.deploymentID] == 0 {
                    reason = .deploymentFull
                } else if claimsLeft == 0 {
                    reason = .claimLimit
                } else {
                    reason = nil
                }
                if let reason {
                    held.append(SelectionDecision(candidate: run, verdict: .held(reason)))
                    continue
                }
                picked.append(SelectionDecision(candidate: run, verdict: .next))
                poolFree = poolFree.map { $0 - 1 }
                queueFree = queueFree.map { $0 - 1 }
                claimsLeft = claimsLeft.map { $0 - 1 }
                if let free = deploymentFree[run.deploymentID] { deploymentFree[run.deploymentID] = free - 1 }
            }
        }
        return picked + held
    }
}
