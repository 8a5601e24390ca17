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
    let metrics: GatewayMetrics
    let logger: Logger
    let pools: PoolContext
    /// Set by ``stopClaiming()``: no new claims, in-flight submissions finish.
    private let stopping = Atomic<Bool>(false)
    /// Submissions under way per pool, bounded by `maxConcurrentSubmissionsPerPool`.
    private let inFlight = Mutex<[String: Int]>([:])
    /// Ends the idle wait between claim passes early when submission slots free up (or on stop).
    private let wake = WakeSignal()
    /// Beats after every pass, for `/health`.
    package let heartbeat = Heartbeat()

    package init(
        store: any Store,
        providers: any ProviderDirectory,
        pacer: Pacer,
        configuration: DispatcherConfiguration,
        clock: any WallClock,
        metrics: MetricsRegistry,
        logger: Logger,
        pools: PoolContext? = nil
    ) {
        self.store = store
        self.providers = providers
        self.pacer = pacer
        self.configuration = configuration
        self.clock = clock
        self.metrics = GatewayMetrics(metrics)
        self.pools = pools ?? PoolContext(store: store)
        self.logger = logger.with([("component", "dispatcher"), ("replica", configuration.owner)])
    }

    /// Stops taking new work; submissions already under way complete.
    package func stopClaiming() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }
    package var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// A claimed (or reclaimed) run and everything its submission needs.
    struct WorkItem: Sendable {
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
            let claimed = await withTaskGroup(of: [WorkItem].self) { group in
                for pool in pools { group.addTask { await self.claim(pool) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            return Self.interleaved(claimed)
        } catch {
            logger.error("dispatch pass failed", [("error", "\(error)")])
            return []
        }
    }

    /// One run of each pool in turn: submissions start in this order, so a pool with a small batch has
    /// its first run under way as soon as a flooded pool's, not after the flooded pool's whole batch.
    package static func interleaved<Item>(_ batches: [[Item]]) -> [Item] {
        let total = batches.reduce(0) { $0 + $1.count }
        var out: [Item] = []
        out.reserveCapacity(total)
        var index = 0
        while out.count < total {
            for batch in batches where index < batch.count { out.append(batch[index]) }
            index += 1
        }
        return out
    }

    private func claim(_ pool: WorkPool) async -> [WorkItem] {
        let log = logger.with([("pool", pool.name), ("provider", pool.type)])
        let capacity = configuration.maxConcurrentSubmissionsPerPool - inFlight.withLock { $0[pool.name, default: 0] }
        guard capacity > 0 else { return [] }
        let provider: any Provider
        let template: BaseJobTemplate
        do {
            provider = try providers.provider(for: pool)
            template = try pools.template(for: pool)
        } catch {
            await noteCannotSubmit(pool, "\(error)", log)
            return []
        }
        if pool.statusReason != nil { await noteCannotSubmit(pool, nil, log) }
        var work: [(run: FlowRun, reconcile: Bool)] = []
        do {
            let now = clock.now()
            let limit = min(configuration.claimBatch, capacity)
            let reclaimed = try await store.reclaimExpiredLeases(
                pool: pool.name,
                owner: configuration.owner,
                leaseDuration: configuration.leaseDuration,
                now: now,
                limit: limit
            )
            // A reclaimed run that already has a handle was submitted: the poller tracks it.
            work += reclaimed.filter { $0.providerHandle == nil }.map { ($0, true) }
            if !isStopping && work.count < limit {
                let start = monotonicNow()
                let claimed = try await store.claim(
                    pool: pool.name,
                    owner: configuration.owner,
                    limit: limit - work.count,
                    leaseDuration: configuration.leaseDuration,
                    now: now
                )
                metrics.claimDuration(pool: pool.name, monotonicNow() - start)
                work += claimed.map { ($0, false) }
            }
        } catch {
            log.error("claim failed", [("error", "\(error)")])
            return []
        }
        guard !work.isEmpty else { return [] }
        let deployments = await pools.deployments(of: work.map(\.run), in: pool)
        inFlight.withLock { $0[pool.name, default: 0] += work.count }
        return work.map {
            WorkItem(
                run: $0.run,
                reconcile: $0.reconcile,
                pool: pool,
                template: template,
                deployment: deployments[$0.run.deploymentName],
                provider: provider
            )
        }
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
                _ = try await store.renewLease(
                    runID: run.id,
                    owner: configuration.owner,
                    until: clock.now().addingTimeInterval(configuration.leaseDuration),
                    now: clock.now()
                )
            } catch {
                return
            }
        }
    }
}

/// Seconds on a monotonic clock, for latency measurements only.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
