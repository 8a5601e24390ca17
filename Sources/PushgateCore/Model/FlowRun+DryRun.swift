import Foundation

extension FlowRun {
    /// The run a dry-run renders for `deployment` on `pool`: pending, first attempt, never stored, so no
    /// lease, handle or history.
    package static func dryRun(
        id: String,
        deployment: Deployment,
        pool: WorkPool,
        jobVariables: String?,
        now: Date
    ) -> FlowRun {
        FlowRun(
            id: id,
            deploymentID: deployment.id,
            deploymentName: deployment.name,
            poolID: pool.id,
            poolName: pool.name,
            queueID: deployment.queueID,
            queueName: deployment.queueName,
            scheduledTime: now,
            jobVariables: jobVariables,
            idempotencyKey: nil,
            state: .pending,
            stateReason: "dry run",
            stateChangedAt: now,
            attempt: 1,
            providerHandle: nil,
            leaseOwner: nil,
            leaseExpiresAt: nil,
            createdAt: now
        )
    }
}
