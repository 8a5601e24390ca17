import Foundation
import PushgateCore

/// The clean-up pass: what finished runs left at their providers, recorded in the store with each
/// terminal state, is removed here and retried with backoff until the provider confirms it, so a crash
/// or a refused delete (a Cloud Run job whose execution still runs) forgets nothing (docs/design.md "Clean-up").
extension Poller {
    func cleanUpDue(pools: [String: WorkPool]) async {
        let due: [PendingCleanup]
        do {
            due = try await store.pendingCleanups(dueBy: clock.now(), limit: configuration.batchLimit)
        } catch {
            logger.error("clean-up pass failed", [("error", "\(error)")])
            return
        }
        guard !due.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (poolName, cleanups) in Dictionary(grouping: due, by: \.run.poolName) {
                let log = logger.with([("pool", poolName)])
                guard let pool = pools[poolName] else { continue }
                let provider: any Provider
                do {
                    provider = try providers.provider(for: pool)
                } catch {
                    for cleanup in cleanups { await deferCleanup(cleanup, error: error, kind: ProviderKind(rawValue: pool.type), log) }
                    continue
                }
                let jobs = await jobs(for: cleanups.map(\.run), pool: pool, now: clock.now())
                for cleanup in cleanups {
                    if running >= configuration.maxConcurrentCalls {
                        await group.next()
                        running -= 1
                    }
                    let job = jobs[cleanup.run.id]!
                    let runLog = log.with([("run_id", cleanup.run.id)])
                    group.addTask { await self.cleanUp(cleanup, job: job, provider: provider, runLog) }
                    running += 1
                }
            }
        }
    }

    private func cleanUp(_ cleanup: PendingCleanup, job: SubmissionJob, provider: any Provider, _ log: Logger) async {
        let start = monotonicNow()
        do {
            try await provider.cleanUp(ProviderHandle(cleanup.providerHandle), job: job)
        } catch {
            await deferCleanup(cleanup, error: error, kind: provider.kind, log)
            return
        }
        metrics.providerCall(provider.kind, call: "clean_up", monotonicNow() - start)
        do {
            try await store.completeCleanup(runID: cleanup.run.id)
        } catch {
            log.error("could not record the clean-up", [("error", "\(error)")])
        }
    }

    private func deferCleanup(_ cleanup: PendingCleanup, error: any Error, kind: ProviderKind, _ log: Logger) async {
        metrics.cleanupFailure(kind)
        var generator = SystemRandomNumberGenerator()
        let wait = max(configuration.interval, configuration.cleanupRetry.backoff(attempt: cleanup.attempts + 1, throttled: false, using: &generator))
        log.warning(
            "clean-up failed; will retry",
            [("handle", cleanup.providerHandle), ("attempt", "\(cleanup.attempts + 1)"), ("retry_in_s", "\(Int(wait))"), ("error", "\(error)")]
        )
        do {
            try await store.deferCleanup(runID: cleanup.run.id, error: "\(error)", nextAttemptAt: clock.now().addingTimeInterval(wait))
        } catch {
            log.error("could not record the clean-up failure", [("error", "\(error)")])
        }
    }
}
