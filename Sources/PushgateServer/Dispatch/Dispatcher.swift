import Foundation
import PushgateCore
import Synchronization

/// Takes due runs from every unpaused pool by the scheduling policy (the store's atomic claim), renders
/// them, and submits each once per attempt, paced per provider, account and region
/// (docs/design.md "Exactly once"). A run whose lease expired with an unknown outcome is reconciled by
/// looking its idempotency key up at the provider before anything is re-sent.
package final class Dispatcher: Sendable {
    let store: any Store
    let providers: any ProviderDirectory
    let pacer: Pacer
    let configuration: DispatcherConfiguration
    let clock: any WallClock
    let metrics: MetricsRegistry
    let logger: Logger
    private let templates = Mutex<[String: (updatedAt: Date, template: BaseJobTemplate)]>([:])
    /// Set by ``stopClaiming()``: no new claims, in-flight submissions finish.
    private let stopping = Atomic<Bool>(false)
    /// Submissions under way per pool, bounded by `maxConcurrentSubmissionsPerPool`.
    private let inFlight = Mutex<[String: Int]>([:])
    /// Ends the idle wait between claim passes early when submission slots free up (or on stop).
    private let wake = WakeSignal()
    /// Beats after every pass, for `/health`.
    package let heartbeat = Heartbeat()

    package init(
        store: any Store, providers: any ProviderDirectory, pacer: Pacer, configuration: DispatcherConfiguration,
        clock: any WallClock, metrics: MetricsRegistry, logger: Logger
    ) {
        self.store = store
        self.providers = providers
        self.pacer = pacer
        self.configuration = configuration
        self.clock = clock
        self.metrics = metrics
        self.logger = logger.with([("component", "dispatcher"), ("replica", configuration.owner)])
    }

    /// Stops taking new work; submissions already under way complete.
    package func stopClaiming() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }
    package var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// A claimed (or reclaimed) run and everything its submission needs.
    private struct WorkItem: Sendable {
        var run: FlowRun
        var reconcile: Bool
        var pool: WorkPool
        var template: BaseJobTemplate
        var deployment: Deployment?
        var provider: any Provider
    }

    /// Claims and submits until cancelled or stopped. Submissions run concurrently with later claim passes
    /// (a slow provider never holds up the others), at most `maxConcurrentSubmissionsPerPool` per pool;
    /// when stopping, the submissions under way finish before this returns.
    package func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !isStopping {
                let passStart = clock.now()
                let work = await claimPass()
                heartbeat.beat(clock.now())
                for item in work {
                    group.addTask { await self.submit(item) }
                }
                if work.isEmpty { await wake.wait(until: await idleDeadline(after: passStart), clock: clock) }
            }
        }
    }

    /// When an idle loop next claims: after its interval, or as soon as the next Scheduled run is due if that
    /// is sooner, so a run is not picked up up to an interval late. Counted from the start of the pass that
    /// found nothing, so a run that fell due during that pass brings the loop straight back. Runs already due
    /// but held back by limits are not waited for here; a freed slot or the interval brings the loop back.
    private func idleDeadline(after passStart: Date) async -> Date {
        let intervalEnd = clock.now().addingTimeInterval(configuration.interval)
        guard let next = try? await store.nextScheduledTime(after: passStart) else { return intervalEnd }
        return min(intervalEnd, next)
    }

    /// One claim pass over every unpaused pool, then waits for those submissions; returns how many runs
    /// were handled (submitted, adopted or ended). Tests drive the dispatcher with it.
    @discardableResult
    package func runOnce() async -> Int {
        let work = await claimPass()
        await withDiscardingTaskGroup { group in
            for item in work { group.addTask { await self.submit(item) } }
        }
        return work.count
    }

    /// Marks late runs, then claims for every unpaused pool up to its free submission capacity.
    private func claimPass() async -> [WorkItem] {
        let now = clock.now()
        do {
            _ = try await store.markLateRuns(now: now)
            let pools = try await store.pools().filter { !$0.isPaused }
            return await withTaskGroup(of: [WorkItem].self) { group in
                for pool in pools { group.addTask { await self.claim(pool) } }
                return await group.reduce([], +)
            }
        } catch {
            logger.error("dispatch pass failed", [("error", "\(error)")])
            return []
        }
    }

    private func claim(_ pool: WorkPool) async -> [WorkItem] {
        let log = logger.with([("pool", pool.name), ("provider", pool.type)])
        let capacity = configuration.maxConcurrentSubmissionsPerPool - inFlight.withLock { $0[pool.name, default: 0] }
        guard capacity > 0 else { return [] }
        let provider: any Provider
        let template: BaseJobTemplate
        do {
            provider = try providers.provider(for: pool)
            template = try self.template(for: pool)
        } catch {
            log.error("pool cannot submit", [("error", "\(error)")])
            return []
        }
        var work: [(run: FlowRun, reconcile: Bool)] = []
        do {
            let now = clock.now()
            let limit = min(configuration.claimBatch, capacity)
            let reclaimed = try await store.reclaimExpiredLeases(
                pool: pool.name, owner: configuration.owner, leaseDuration: configuration.leaseDuration, now: now, limit: limit)
            // A reclaimed run that already has a handle was submitted: the poller tracks it.
            work += reclaimed.filter { $0.providerHandle == nil }.map { ($0, true) }
            if !isStopping && work.count < limit {
                let start = monotonicNow()
                let claimed = try await store.claim(
                    pool: pool.name, owner: configuration.owner, limit: limit - work.count,
                    leaseDuration: configuration.leaseDuration, now: now)
                metrics.observe("pushgate_claim_duration_seconds", help: "Time of one claim transaction.", labels: ["pool": pool.name], monotonicNow() - start)
                work += claimed.map { ($0, false) }
            }
        } catch {
            log.error("claim failed", [("error", "\(error)")])
            return []
        }
        guard !work.isEmpty else { return [] }
        var deployments: [String: Deployment] = [:]
        for name in Set(work.map(\.run.deploymentName)) {
            deployments[name] = try? await store.deployment(named: name)
        }
        inFlight.withLock { $0[pool.name, default: 0] += work.count }
        return work.map {
            WorkItem(run: $0.run, reconcile: $0.reconcile, pool: pool, template: template,
                deployment: deployments[$0.run.deploymentName], provider: provider)
        }
    }

    private func template(for pool: WorkPool) throws -> BaseJobTemplate {
        if let cached = templates.withLock({ $0[pool.name] }), cached.updatedAt == pool.updatedAt { return cached.template }
        let template = try BaseJobTemplate(data: Data(pool.baseJobTemplate.utf8), file: "pool '\(pool.name)' template")
        templates.withLock { $0[pool.name] = (pool.updatedAt, template) }
        return template
    }

    /// Submits one claimed run, or reconciles one whose previous owner died mid-submission, and frees
    /// its pool's submission slot.
    private func submit(_ item: WorkItem) async {
        defer { freeSlot(of: item.pool) }
        // The lease is renewed while the submission is under way (provider retries can outlast it), so no
        // other owner takes the run over while this one may still send it.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.keepLeased(item.run) }
            await self.submitOnce(item)
            group.cancelAll()
        }
    }

    /// Gives a submission slot back; once half a pool's slots are free the idle claim loop is woken, so a
    /// saturated pool is refilled in batches as soon as it drains rather than after a whole interval.
    private func freeSlot(of pool: WorkPool) {
        let remaining = inFlight.withLock { counts in
            counts[pool.name, default: 1] -= 1
            return counts[pool.name, default: 0]
        }
        if remaining <= configuration.maxConcurrentSubmissionsPerPool / 2 { wake.signal() }
    }

    /// Renews the run's lease every third of its duration until cancelled.
    private func keepLeased(_ run: FlowRun) async {
        let period = configuration.leaseDuration / 3
        while !Task.isCancelled {
            do {
                try await clock.sleep(until: clock.now().addingTimeInterval(period))
                _ = try await store.renewLease(runID: run.id, owner: configuration.owner,
                    until: clock.now().addingTimeInterval(configuration.leaseDuration), now: clock.now())
            } catch {
                return
            }
        }
    }

    private func submitOnce(_ item: WorkItem) async {
        let run = item.run, pool = item.pool, provider = item.provider
        let log = logger.with([("run_id", run.id), ("pool", pool.name), ("provider", pool.type)])
        let kind = provider.kind
        guard let deployment = item.deployment else {
            await end(run, .crashed, "deployment '\(run.deploymentName)' no longer exists", log)
            return
        }
        let job: SubmissionJob
        do {
            job = try SubmissionPlan.job(run: run, template: item.template, pool: pool, deployment: deployment, now: clock.now())
        } catch {
            await end(run, .crashed, "invalid job configuration: " + error.problems.map(\.description).joined(separator: "; "), log)
            return
        }
        var mustLookUp = item.reconcile
        var attempt = 0
        // Once a submit call has gone out, its outcome may be unknown: the claim is then never handed
        // back (a new attempt would carry a new key); its lease expires and the next owner looks it up.
        var mayHaveSent = item.reconcile
        while true {
            do {
                if mustLookUp, let handle = try await provider.lookUp(job) {
                    await recordSubmitted(run, handle: handle, adopted: true, provider: provider, log)
                    return
                }
                if run.state == .cancelling {
                    await end(run, .cancelled, "cancelled before submission", log)
                    return
                }
                try await pacer.acquire(providers.pacingKey(for: pool), kind: kind)
                let start = monotonicNow()
                mayHaveSent = true
                let handle = try await provider.submit(job)
                metrics.observe("pushgate_submit_duration_seconds", help: "Time of one provider submission.", labels: ["provider": kind.rawValue], monotonicNow() - start)
                metrics.observe("pushgate_due_to_submitted_seconds", help: "From a run's scheduled time to its submission.", labels: ["provider": kind.rawValue],
                    max(0, clock.now().timeIntervalSince(run.scheduledTime)), buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300])
                await recordSubmitted(run, handle: handle, adopted: false, provider: provider, log)
                return
            } catch let error as ProviderError {
                metrics.increment("pushgate_submission_failures_total", help: "Failed provider submission calls.", labels: ["provider": kind.rawValue, "code": error.code.rawValue])
                attempt += 1
                switch error.code {
                case .ambiguous, .conflict:
                    // The request may have taken effect: look the key up before anything is re-sent.
                    log.warning("submission outcome unknown; looking it up", [("error", error.description)])
                    mustLookUp = true
                case .throttled, .unavailable:
                    mustLookUp = false
                    if let retryAfter = error.retryAfter { await pacer.penalize(providers.pacingKey(for: pool), kind: kind, for: retryAfter) }
                case .invalidConfiguration:
                    // Found by the provider's own checks before anything was sent (the same checks as
                    // `validate`, which is not called separately: that would build each request twice).
                    await end(run, .crashed, "invalid job configuration: \(error.message)", log)
                    return
                default:
                    await end(run, .crashed, "submission refused: \(error.description)", log)
                    return
                }
                guard attempt < configuration.maxSubmitAttempts else {
                    await end(run, .crashed, "submission failed after \(attempt) attempts: \(error.description)", log)
                    return
                }
                let ceiling = min(configuration.backoffCap, configuration.backoffBase * pow(2, Double(attempt - 1)))
                let delay = max(error.retryAfter ?? 0, Double.random(in: 0...ceiling))
                do {
                    try await clock.sleep(until: clock.now().addingTimeInterval(delay))
                    _ = try await store.renewLease(runID: run.id, owner: configuration.owner, until: clock.now().addingTimeInterval(configuration.leaseDuration), now: clock.now())
                } catch {
                    await handBack(run, mayHaveSent: mayHaveSent, log)
                    return
                }
            } catch is CancellationError {
                await handBack(run, mayHaveSent: mayHaveSent, log)
                return
            } catch {
                // Anything else from a provider is treated as an unknown outcome.
                if Task.isCancelled {
                    await handBack(run, mayHaveSent: mayHaveSent, log)
                    return
                }
                attempt += 1
                mustLookUp = true
                log.warning("submission failed; looking it up", [("error", "\(error)")])
                if attempt >= configuration.maxSubmitAttempts {
                    await end(run, .crashed, "submission failed after \(attempt) attempts: \(error)", log)
                    return
                }
            }
        }
    }

    private func recordSubmitted(_ run: FlowRun, handle: ProviderHandle, adopted: Bool, provider: any Provider, _ log: Logger) async {
        do {
            _ = try await store.markSubmitted(runID: run.id, owner: configuration.owner, providerHandle: handle.value, now: clock.now())
            metrics.increment("pushgate_submissions_total", help: "Runs submitted to a provider.", labels: ["provider": provider.kind.rawValue, "outcome": adopted ? "adopted" : "submitted"])
            log.info(adopted ? "adopted existing workload" : "submitted", [("handle", handle.value)])
        } catch {
            // Another replica took the run over (lease expired); it will find this workload by its key.
            log.warning("could not record submission", [("handle", handle.value), ("error", "\(error)")])
        }
    }

    private func end(_ run: FlowRun, _ state: RunState, _ reason: String, _ log: Logger) async {
        do {
            _ = try await store.markTerminal(runID: run.id, state: state, reason: reason, now: clock.now())
            log.warning("run ended before submission", [("state", state.displayName), ("reason", reason)])
        } catch {
            log.error("could not end run", [("error", "\(error)")])
        }
    }

    /// Gives an unsubmitted claim back to its queue when the gateway stops mid-way. A claim whose
    /// submission may have gone out keeps its lease instead, so whoever takes it over looks it up first.
    private func handBack(_ run: FlowRun, mayHaveSent: Bool, _ log: Logger) async {
        if mayHaveSent {
            log.info("stopping with a submission outcome unknown; the lease will expire and the run be reconciled")
            return
        }
        do {
            _ = try await store.releaseClaim(runID: run.id, owner: configuration.owner, reason: "gateway stopping; handed back", now: clock.now())
        } catch {
            log.warning("could not hand the claim back; its lease will expire", [("error", "\(error)")])
        }
    }
}

/// Seconds on a monotonic clock, for latency measurements only.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
