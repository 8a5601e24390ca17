import Foundation

/// Everything a provider needs to submit one attempt of one run: the rendered configuration (already
/// merged, validated and prepared: null env values dropped, run identity injected) and the identity
/// used for idempotency and tags.
package struct SubmissionJob: Sendable, Hashable {
    package var runID: String
    package var attempt: Int
    package var poolName: String
    package var deploymentName: String
    package var queueName: String
    /// Derived from run id and attempt; stable across retries, crashes and replicas.
    package var idempotencyKey: String
    package var configuration: JSONValue
    /// Values the template's schema marks secret (`format: password`, `writeOnly`): a dry run hides them
    /// wherever they appear, since the configuration may carry them anywhere (URL, env, command).
    package var secretValues: Set<String>
    /// When the submission is made (SigV4 date, JWT iat); injected for determinism.
    package var now: Date

    package init(
        runID: String,
        attempt: Int,
        poolName: String,
        deploymentName: String,
        queueName: String,
        idempotencyKey: String? = nil,
        configuration: JSONValue,
        secretValues: Set<String> = [],
        now: Date
    ) {
        self.runID = runID
        self.attempt = attempt
        self.poolName = poolName
        self.deploymentName = deploymentName
        self.queueName = queueName
        self.idempotencyKey = idempotencyKey ?? SubmissionJob.idempotencyKey(runID: runID, attempt: attempt)
        self.configuration = configuration
        self.secretValues = secretValues
        self.now = now
    }

    /// `pg-<run id>-<attempt>`: ASCII, at most 64 characters (ECS `clientToken` rules), and a valid
    /// lower-case resource-name stem for Cloud Run, ACI and Modal.
    package static func idempotencyKey(runID: String, attempt: Int) -> String {
        "pg-\(runID.lowercased())-\(attempt)"
    }
}

/// How the gateway tracks a submitted workload, in Prefect's formats where they exist
/// (ECS `cluster::taskArn`, Cloud Run job name, ACI `runId:containerGroup`).
package struct ProviderHandle: Sendable, Hashable, CustomStringConvertible {
    package var value: String
    package init(_ value: String) { self.value = value }
    package var description: String { value }
}

/// A workload to poll, with what the status mapping needs to know about the gateway's own actions.
package struct PollTarget: Sendable, Hashable {
    package var handle: ProviderHandle
    /// The run's submission re-rendered from the store: what the handle does not carry (region, resource
    /// group, project, cluster…) comes from its configuration.
    package var job: SubmissionJob
    /// The gateway asked for cancellation, so a stop is Cancelled rather than Crashed.
    package var cancelRequested: Bool
    /// When it was submitted, for grace windows (ECS reports a just-started task as MISSING briefly).
    package var submittedAt: Date
    package var now: Date

    package init(handle: ProviderHandle, job: SubmissionJob, cancelRequested: Bool = false, submittedAt: Date, now: Date) {
        self.handle = handle
        self.job = job
        self.cancelRequested = cancelRequested
        self.submittedAt = submittedAt
        self.now = now
    }
}

/// A provider's view of a workload mapped to run states (`docs/provider-apis.md` §1.4).
package struct ProviderStatus: Sendable, Hashable {
    package enum State: String, Sendable, Hashable {
        case pending, running, completed, failed, crashed, cancelled
        /// The provider cannot tell whether the workload still runs: its status read answered "not found"
        /// and no other look-up settled it. The run stays in flight (its slot held) with the reason shown,
        /// because a run ended while its workload runs on would break the pool's limit.
        case unconfirmed
        package var isTerminal: Bool { self != .pending && self != .running && self != .unconfirmed }
    }
    package var state: State
    package var exitCode: Int?
    /// Why, in the provider's words (stopCode / stoppedReason, condition message, …); never a secret.
    package var reason: String?

    package init(_ state: State, exitCode: Int? = nil, reason: String? = nil) {
        self.state = state
        self.exitCode = exitCode
        self.reason = reason
    }
}
