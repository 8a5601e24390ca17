import Foundation
import PushgateCore
import Synchronization

/// Tracks every submitted run by polling its provider in batches, records transitions with reasons,
/// turns cancel requests into provider cancels, enforces the start timeout and the maximum run time, and
/// cleans up after terminal states. It keeps no state that a restart would lose: everything it needs is
/// in the store, so after a restart it resumes tracking every in-flight run.
package final class Poller: Sendable {
    let store: any Store
    let providers: any ProviderDirectory
    let configuration: PollerConfiguration
    let clock: any WallClock
    let metrics: GatewayMetrics
    let logger: Logger
    let pools: PoolContext
    /// Cancels already sent in this process, so each is sent once per process (a restart re-sends: harmless).
    /// Holds only runs still Cancelling in the last pass, so it does not grow with the gateway's age.
    private let cancelsSent = Mutex<Set<String>>([])
    /// Beats after every pass, for `/health`.
    package let heartbeat = Heartbeat()

    package init(
        store: any Store,
        providers: any ProviderDirectory,
        configuration: PollerConfiguration,
        clock: any WallClock,
        metrics: MetricsRegistry,
        logger: Logger,
        pools: PoolContext? = nil
    ) {
        self.store = store
        self.providers = providers
        self.configuration = configuration
        self.clock = clock
        self.metrics = GatewayMetrics(metrics)
        self.pools = pools ?? PoolContext(store: store)
        self.logger = logger.with([("component", "poller")])
    }

    package func run() async {
        while !Task.isCancelled {
            await runOnce()
            heartbeat.beat(clock.now())
            let wait = configuration.interval * (1 + Double.random(in: 0...configuration.jitter))
            do { try await clock.sleep(until: clock.now().addingTimeInterval(wait)) } catch { return }
        }
    }

    /// One pass over every submitted, running or cancelling run.
    package func runOnce() async {
        let runs: [FlowRun]
        let pools: [String: WorkPool]
        do {
            runs = try await store.runs(FlowRunFilter(states: [.pending, .running, .cancelling], limit: configuration.batchLimit))
            pools = Dictionary(try await store.pools().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        } catch {
            logger.error("poll pass failed", [("error", "\(error)")])
            return
        }
        let now = clock.now()
        // Cancels are remembered only for runs that still need one: cancelling, or past a time limit.
        let stopping = Set(runs.lazy.filter { $0.state == .cancelling || self.exceededLimit($0, now: now) != nil }.map(\.id))
        cancelsSent.withLock { $0.formIntersection(stopping) }
        let byPool = Dictionary(grouping: runs, by: \.poolName)
        let unconfirmed = await withTaskGroup(of: Int.self) { group in
            for (poolName, poolRuns) in byPool {
                guard let pool = pools[poolName] else { continue }
                group.addTask { await self.track(poolRuns, pool: pool) }
            }
            return await group.reduce(0, +)
        }
        metrics.unconfirmedRuns(unconfirmed)
        await cleanUpDue(pools: pools)
    }

    /// Why the gateway stops this run, if it has outlived a limit: Pending past the start timeout, or
    /// Running past the maximum run time. The run ends only once its provider reports the workload stopped.
    func exceededLimit(_ run: FlowRun, now: Date) -> String? {
        let age = now.timeIntervalSince(run.stateChangedAt)
        if run.state == .pending, age > configuration.startTimeout {
            return "infrastructure did not start within \(Int(configuration.startTimeout)) s"
        }
        if run.state == .running, let limit = configuration.maxRunTime, age > limit {
            return "exceeded the maximum run time of \(Int(limit)) s"
        }
        return nil
    }

    /// Polls one pool's runs and applies what the provider says; returns how many are unconfirmed.
    private func track(_ runs: [FlowRun], pool: WorkPool) async -> Int {
        let log = logger.with([("pool", pool.name), ("provider", pool.type)])
        let provider: any Provider
        do {
            provider = try providers.provider(for: pool)
        } catch {
            // The dispatcher records and logs the reason once per change; repeat it here only when it differs.
            if pool.statusReason == "\(error)" {
                log.debug("pool cannot be polled", [("reason", "\(error)")])
            } else {
                log.error("pool cannot be polled", [("reason", "\(error)")])
            }
            return 0
        }
        let now = clock.now()
        // A cancel request for a run never submitted and no longer leased ends here; one still leased is
        // the dispatcher's (it looks the key up and ends or adopts it).
        for run in runs
        where run.state == .cancelling && run.providerHandle == nil && (run.leaseExpiresAt ?? .distantPast) < now && run.leaseOwner == nil {
            await transition(run, to: .cancelled, reason: "cancelled before submission", log)
        }
        let submitted = runs.filter { $0.providerHandle != nil }
        guard !submitted.isEmpty else { return 0 }
        let jobs = await jobs(for: submitted, pool: pool, now: now)
        for run in submitted where run.state == .cancelling {
            await sendCancel(run, job: jobs[run.id]!, provider: provider, reason: run.stateReason, log.with([("run_id", run.id)]))
        }
        let targets = submitted.map {
            PollTarget(
                handle: ProviderHandle($0.providerHandle!),
                job: jobs[$0.id]!,
                cancelRequested: $0.state == .cancelling || exceededLimit($0, now: now) != nil,
                submittedAt: submittedAt($0),
                now: now
            )
        }
        let statuses: [ProviderHandle: ProviderStatus]
        let start = monotonicNow()
        do {
            statuses = try await provider.poll(targets)
        } catch {
            metrics.pollFailure(provider.kind)
            log.warning("status poll failed", [("error", "\(error)")])
            return 0
        }
        metrics.providerCall(provider.kind, call: "poll", monotonicNow() - start)
        // The runs' updates go out together, at most `maxConcurrentCalls` at once: their state changes then
        // share store transactions (group commit) and their clean-up calls overlap.
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for run in submitted {
                guard let status = statuses[ProviderHandle(run.providerHandle!)] else { continue }
                if running >= configuration.maxConcurrentCalls {
                    await group.next()
                    running -= 1
                }
                let job = jobs[run.id]!
                let runLog = log.with([("run_id", run.id)])
                group.addTask { await self.apply(status, to: run, job: job, provider: provider, now: now, runLog) }
                running += 1
            }
        }
        return submitted.count { statuses[ProviderHandle($0.providerHandle!)]?.state == .unconfirmed }
    }

    /// When the run was submitted (its state changed to Pending); the poll target's grace windows use it.
    private func submittedAt(_ run: FlowRun) -> Date { run.stateChangedAt }

    /// Each run's submission re-rendered with the template version it was submitted with, by run id.
    func jobs(for runs: [FlowRun], pool: WorkPool, now: Date) async -> [String: SubmissionJob] {
        let deployments = await pools.deployments(of: runs, in: pool)
        var templates: [Int?: BaseJobTemplate?] = [:]
        var jobs: [String: SubmissionJob] = [:]
        for run in runs {
            if templates[run.templateVersion] == nil {
                templates[run.templateVersion] = .some(try? await pools.template(for: pool, version: run.templateVersion))
            }
            jobs[run.id] = job(for: run, pool: pool, template: templates[run.templateVersion]!, deployment: deployments[run.deploymentName], now: now)
        }
        return jobs
    }

    /// The run's submission re-rendered from the store (what cancel, poll and clean-up need beyond the
    /// handle); an empty configuration when the template no longer renders.
    private func job(for run: FlowRun, pool: WorkPool, template: BaseJobTemplate?, deployment: Deployment?, now: Date) -> SubmissionJob {
        if let template, let deployment,
            let job = try? SubmissionPlan.job(run: run, template: template, pool: pool, deployment: deployment, now: now)
        {
            return job
        }
        return SubmissionJob(
            runID: run.id,
            attempt: max(1, run.attempt),
            poolName: pool.name,
            deploymentName: run.deploymentName,
            queueName: run.queueName,
            configuration: .object([:]),
            now: now
        )
    }

    /// What one status means for its run. A run ends only on a terminal status: an unconfirmed workload
    /// and one past a time limit stay in flight (the limit's stop sent) until the provider reports the end,
    /// so the gateway never frees a slot while the workload may still run.
    private func apply(_ status: ProviderStatus, to run: FlowRun, job: SubmissionJob, provider: any Provider, now: Date, _ log: Logger) async {
        let limit = exceededLimit(run, now: now)
        if let limit { await sendCancel(run, job: job, provider: provider, reason: limit, log) }
        switch status.state {
        case .unconfirmed:
            let note = status.reason ?? "the provider could not confirm the workload's state"
            if run.trackingNote != note { log.warning("workload unconfirmed; the run stays in flight", [("reason", note)]) }
            await setNote(run, note, log)
        case .pending, .running:
            await setNote(run, limit.map { "\($0); stop sent, the run ends when the infrastructure has stopped" }, log)
            if limit == nil, status.state == .running, run.state == .pending {
                // One wording across providers; the provider's own word, when it has one, in brackets.
                let detail = status.reason.map { " (\($0))" } ?? ""
                await transition(run, to: .running, reason: "infrastructure started" + detail, log)
            }
        case .completed, .failed, .crashed, .cancelled:
            var state: RunState = [.completed: .completed, .failed: .failed, .crashed: .crashed, .cancelled: .cancelled][status.state]!
            var reason = status.reason ?? status.state.rawValue
            if let code = status.exitCode { reason += " (exit code \(code))" }
            if let limit, state == .cancelled, run.state != .cancelling {
                // Stopped by the gateway for the limit: the run crashed (docs/design.md "Timeouts").
                state = .crashed
                reason = "\(limit); \(reason)"
            }
            // A run being cancelled can only end Cancelled (docs/design.md "States"): a workload that ended on
            // its own before the stop took effect still ends the run, with what it did in the reason.
            if run.state == .cancelling && state != .cancelled {
                reason = "cancel requested; the infrastructure ended first: \(state.displayName.lowercased()), \(reason)"
                state = .cancelled
            }
            // The transition records the run's clean-up; the clean-up pass that follows performs it.
            await transition(run, to: state, reason: reason, log)
        }
    }

    /// Writes the run's tracking note when it changed.
    private func setNote(_ run: FlowRun, _ note: String?, _ log: Logger) async {
        guard run.trackingNote != note else { return }
        do {
            try await store.setTrackingNote(runID: run.id, note: note)
        } catch {
            log.error("could not record the tracking note", [("error", "\(error)")])
        }
    }

    private func transition(_ run: FlowRun, to state: RunState, reason: String, _ log: Logger) async {
        do {
            if state == .running {
                _ = try await store.markRunning(runID: run.id, reason: reason, now: clock.now())
            } else {
                _ = try await store.markTerminal(runID: run.id, state: state, reason: reason, now: clock.now())
            }
            metrics.transition(to: state)
            log.info("run \(state.displayName.lowercased())", [("reason", reason)])
        } catch let error as StoreError where error.code == .invalidTransition {
            // Another replica or an API call got there first; terminal states are final.
        } catch {
            log.error("could not record transition", [("state", state.displayName), ("error", "\(error)")])
        }
    }

    private func sendCancel(_ run: FlowRun, job: SubmissionJob, provider: any Provider, reason: String, _ log: Logger) async {
        guard let handle = run.providerHandle, cancelsSent.withLock({ $0.insert(run.id).inserted }) else { return }
        do {
            try await provider.cancel(ProviderHandle(handle), job: job, reason: reason)
            log.info("cancel sent", [("run_id", run.id), ("handle", handle)])
        } catch {
            cancelsSent.withLock { _ = $0.remove(run.id) }
            log.warning("cancel failed; will retry", [("run_id", run.id), ("error", "\(error)")])
        }
    }
}
