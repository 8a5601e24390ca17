import Foundation
import PushgateCore

/// A run's output as its provider keeps it, for `GET /flow_runs/{id}/logs` and `pushgate run logs`: the
/// run's handle and its submission re-rendered from the store, then ``Provider/logs(_:job:query:)``.
package enum RunLogs {
    package enum Answer: Sendable {
        /// The run has no workload yet (not submitted), or none any more to read from.
        case noWorkload(FlowRun)
        /// The pool's provider offers no logs for this run (Modal; ECS without awslogs).
        case unsupported(FlowRun, poolType: String)
        case output(FlowRun, ProviderLogChunk)
    }

    package static func read(
        runID: String,
        query: ProviderLogQuery,
        store: any Store,
        providers: any ProviderDirectory,
        now: Date
    ) async throws -> Answer {
        let run = try await store.run(id: runID)
        guard let handle = run.providerHandle else { return .noWorkload(run) }
        let pool = try await store.pool(named: run.poolName)
        let deployment = try await store.deployment(named: run.deploymentName)
        let job: SubmissionJob
        do {
            job = try SubmissionPlan.job(run: run, pool: pool, deployment: deployment, now: now)
        } catch {
            // The handle alone names the workload for providers that keep output locally.
            job = SubmissionJob(
                runID: run.id,
                attempt: run.attempt,
                poolName: pool.name,
                deploymentName: deployment.name,
                queueName: run.queueName,
                idempotencyKey: run.submissionKey,
                configuration: [:],
                now: now
            )
        }
        let provider = try providers.provider(for: pool)
        guard var chunk = try await provider.logs(ProviderHandle(handle), job: job, query: query) else {
            return .unsupported(run, poolType: pool.type)
        }
        // A cloud log service cannot tell that a stream is complete: an ended run with nothing new is.
        if run.state.isTerminal && chunk.text.isEmpty && query.offset != nil { chunk.finished = true }
        return .output(run, chunk)
    }
}
