import Foundation
import PushgateCore

/// Performing one run's submission: the decisions are ``SubmissionAttempt``'s, this only does the IO it
/// asks for (look-ups, pacing, submit calls, waits, store updates).
extension Dispatcher {
    /// Drives the run's ``SubmissionAttempt``: performs each action it asks for and tells it the outcome.
    func submitOnce(_ item: WorkItem) async {
        let run = item.run
        let provider = item.provider
        let log = logger.with([("run_id", run.id), ("pool", item.pool.name), ("provider", item.pool.type)])
        guard let deployment = item.deployment else {
            await end(run, .crashed, "deployment '\(run.deploymentName)' no longer exists", log)
            return
        }
        let job: SubmissionJob
        do {
            job = try SubmissionPlan.job(run: run, template: item.template, pool: item.pool, deployment: deployment, now: clock.now())
                .adding(secretEnvironment: configuration.poolEnvironment[item.pool.name] ?? [:])
        } catch {
            await end(run, .crashed, "invalid job configuration: " + error.problems.map(\.description).joined(separator: "; "), log)
            return
        }
        let pacingKey = provider.pacingKey(for: job)
        var attempt = SubmissionAttempt(
            reconcile: item.reconcile,
            cancelRequested: run.state == .cancelling,
            policy: configuration.retryPolicy,
            generator: SystemRandomNumberGenerator()
        )
        var action = attempt.start()
        while true {
            switch action {
            case .lookUp:
                action = attempt.record(await call(provider.kind, log) { .found(try await provider.lookUp(job)) })
            case .submit:
                do {
                    try await pacer.acquire(pacingKey)
                } catch {
                    action = attempt.record(.cancelled(beforeSending: true))
                    continue
                }
                let start = monotonicNow()
                action = attempt.record(await call(provider.kind, log) { .submitted(try await provider.submit(job)) })
                if case .recordSubmitted = action {
                    metrics.submitDuration(provider.kind, monotonicNow() - start)
                    metrics.dueToSubmitted(provider.kind, max(0, clock.now().timeIntervalSince(run.scheduledTime)))
                }
            case .wait(let seconds, let penalty):
                if let penalty { await pacer.penalize(pacingKey, for: penalty) }
                do {
                    try await clock.sleep(until: clock.now().addingTimeInterval(seconds))
                    _ = try await store.renewLease(
                        runID: run.id,
                        owner: configuration.owner,
                        until: clock.now().addingTimeInterval(configuration.leaseDuration),
                        now: clock.now()
                    )
                    action = attempt.record(.waited)
                } catch {
                    action = attempt.record(Task.isCancelled ? .cancelled(beforeSending: false) : .leaseLost)
                }
            case .recordSubmitted(let handle, let adopted):
                await recordSubmitted(run, handle: handle, adopted: adopted, item: item, log)
                return
            case .end(let state, let reason):
                await end(run, state, reason, log)
                return
            case .handBack:
                await handBack(run, log)
                return
            case .leaveLeased:
                log.info("stopping with a submission outcome unknown; the lease will expire and the run be reconciled")
                return
            }
        }
    }

    /// One provider call's outcome: its result, or its failure as the attempt classifies it.
    private func call(
        _ kind: ProviderKind,
        _ log: Logger,
        _ body: () async throws -> SubmissionAttempt<SystemRandomNumberGenerator>.Outcome
    ) async -> SubmissionAttempt<SystemRandomNumberGenerator>.Outcome {
        do {
            return try await body()
        } catch let error as ProviderError {
            metrics.submissionFailure(kind, code: error.code)
            if error.code == .ambiguous || error.code == .conflict {
                log.warning("submission outcome unknown; looking it up", [("error", error.description)])
            }
            return .failed(error)
        } catch {
            if error is CancellationError || Task.isCancelled { return .cancelled(beforeSending: false) }
            log.warning("submission failed; looking it up", [("error", "\(error)")])
            return .failedUnclassified("\(error)")
        }
    }

    private func recordSubmitted(_ run: FlowRun, handle: ProviderHandle, adopted: Bool, item: WorkItem, _ log: Logger) async {
        let provider = item.provider
        do {
            _ = try await store.markSubmitted(
                runID: run.id,
                owner: configuration.owner,
                providerHandle: handle.value,
                templateVersion: item.pool.templateVersion,
                now: clock.now()
            )
            metrics.submission(provider.kind, adopted: adopted)
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

    /// Gives an unsubmitted claim back to its queue when the gateway stops mid-way.
    private func handBack(_ run: FlowRun, _ log: Logger) async {
        do {
            _ = try await store.releaseClaim(runID: run.id, owner: configuration.owner, reason: "gateway stopping; handed back", now: clock.now())
        } catch {
            log.warning("could not hand the claim back; its lease will expire", [("error", "\(error)")])
        }
    }
}
