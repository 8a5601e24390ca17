import Foundation

/// A flow run of a deployment, with its current state, claim lease and provider handle.
package struct FlowRun: Sendable, Hashable {
    package var id: String
    package var deploymentID: Int64
    package var deploymentName: String
    package var poolID: Int64
    package var poolName: String
    package var queueID: Int64
    package var queueName: String
    package var scheduledTime: Date
    /// Run-level job variable overrides as JSON object text, or `nil`.
    package var jobVariables: String?
    /// The caller's creation idempotency key (unique per deployment), if one was given.
    package var idempotencyKey: String?
    package var state: RunState
    /// Why the run entered its current state.
    package var stateReason: String
    package var stateChangedAt: Date
    /// 0 before the first claim; each claim of a Scheduled run starts a new attempt.
    package var attempt: Int
    /// The provider's identifier of the submitted job (task ARN, execution name, ...).
    package var providerHandle: String?
    /// Who holds the claim and until when; set while Pending.
    package var leaseOwner: String?
    package var leaseExpiresAt: Date?
    package var createdAt: Date
    /// Why the gateway cannot confirm the workload's state (its status read said "not found" and no other
    /// look-up settled it); the run then stays in flight. Nil when the provider answers.
    package var trackingNote: String?
    /// The pool template version the run was submitted with; nil before submission.
    package var templateVersion: Int?

    package init(
        id: String,
        deploymentID: Int64,
        deploymentName: String,
        poolID: Int64,
        poolName: String,
        queueID: Int64,
        queueName: String,
        scheduledTime: Date,
        jobVariables: String?,
        idempotencyKey: String?,
        state: RunState,
        stateReason: String,
        stateChangedAt: Date,
        attempt: Int,
        providerHandle: String?,
        leaseOwner: String?,
        leaseExpiresAt: Date?,
        createdAt: Date,
        trackingNote: String? = nil,
        templateVersion: Int? = nil
    ) {
        self.id = id
        self.deploymentID = deploymentID
        self.deploymentName = deploymentName
        self.poolID = poolID
        self.poolName = poolName
        self.queueID = queueID
        self.queueName = queueName
        self.scheduledTime = scheduledTime
        self.jobVariables = jobVariables
        self.idempotencyKey = idempotencyKey
        self.state = state
        self.stateReason = stateReason
        self.stateChangedAt = stateChangedAt
        self.attempt = attempt
        self.providerHandle = providerHandle
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.createdAt = createdAt
        self.trackingNote = trackingNote
        self.templateVersion = templateVersion
    }

    /// The key a submission of this attempt carries to the provider, so a retried or recovered
    /// submission is recognised instead of duplicated (docs/design.md "Exactly once").
    package var submissionKey: String { SubmissionJob.idempotencyKey(runID: id, attempt: attempt) }
}

/// What a caller supplies to create a run. A `nil` scheduled time means now.
package struct FlowRunSpec: Sendable, Hashable {
    package var deploymentName: String
    package var scheduledTime: Date?
    package var jobVariables: String?
    package var idempotencyKey: String?

    package init(
        deploymentName: String,
        scheduledTime: Date? = nil,
        jobVariables: String? = nil,
        idempotencyKey: String? = nil
    ) {
        self.deploymentName = deploymentName
        self.scheduledTime = scheduledTime
        self.jobVariables = jobVariables
        self.idempotencyKey = idempotencyKey
    }
}

/// The outcome of an idempotent create: the run, and whether this call created it.
package struct FlowRunCreation: Sendable, Hashable {
    package var run: FlowRun
    package var created: Bool

    package init(run: FlowRun, created: Bool) {
        self.run = run
        self.created = created
    }
}

/// Which runs a listing returns.
package struct FlowRunFilter: Sendable, Hashable {
    /// The order of a listing: by scheduled time, then id, so a page boundary is one row's key.
    package enum Order: Sendable, Hashable {
        case oldestFirst
        case newestFirst
    }

    /// The last row of the previous page: the next page starts after it in the listing's order (keyset
    /// paging, so a deep page costs what the first one does).
    package struct Cursor: Sendable, Hashable {
        package var scheduledTime: Date
        package var id: String

        package init(scheduledTime: Date, id: String) {
            self.scheduledTime = scheduledTime
            self.id = id
        }
    }

    package var states: [RunState]
    package var poolName: String?
    package var deploymentName: String?
    /// A queue name; with `poolName` that pool's queue, else the queues of that name in every pool.
    package var queueName: String?
    /// Runs scheduled at or after this time.
    package var scheduledFrom: Date?
    /// Runs scheduled before this time.
    package var scheduledUntil: Date?
    /// Runs created with one of these creation keys (any when empty); with `deploymentName` the lookup
    /// uses the creation-key index (the Prefect bridge finds its mirrors this way).
    package var idempotencyKeys: [String] = []
    package var order: Order
    package var after: Cursor?
    package var limit: Int

    package init(
        states: [RunState] = [],
        poolName: String? = nil,
        deploymentName: String? = nil,
        queueName: String? = nil,
        scheduledFrom: Date? = nil,
        scheduledUntil: Date? = nil,
        order: Order = .oldestFirst,
        after: Cursor? = nil,
        limit: Int = 200
    ) {
        self.states = states
        self.poolName = poolName
        self.deploymentName = deploymentName
        self.queueName = queueName
        self.scheduledFrom = scheduledFrom
        self.scheduledUntil = scheduledUntil
        self.order = order
        self.after = after
        self.limit = limit
    }
}
