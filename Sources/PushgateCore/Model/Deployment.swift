import Foundation

/// A deployment: what runs are created from, the queue they go to, and its own job variables.
package struct Deployment: Sendable, Hashable {
    package var id: Int64
    package var name: String
    package var poolID: Int64
    package var poolName: String
    package var queueID: Int64
    package var queueName: String
    /// Job variable overrides as JSON object text, or `nil`.
    package var jobVariables: String?
    /// Maximum in-flight runs of this deployment; `nil` is unlimited.
    package var concurrencyLimit: Int?
    package var createdAt: Date
    /// Why the deployment no longer fits its pool's template (a forced template update); its new runs
    /// are refused with this reason until its job variables are fixed. Nil when it fits.
    package var invalidReason: String?

    package init(
        id: Int64,
        name: String,
        poolID: Int64,
        poolName: String,
        queueID: Int64,
        queueName: String,
        jobVariables: String?,
        concurrencyLimit: Int?,
        createdAt: Date,
        invalidReason: String? = nil
    ) {
        self.id = id
        self.name = name
        self.poolID = poolID
        self.poolName = poolName
        self.queueID = queueID
        self.queueName = queueName
        self.jobVariables = jobVariables
        self.concurrencyLimit = concurrencyLimit
        self.createdAt = createdAt
        self.invalidReason = invalidReason
    }
}

/// What a caller supplies to create a deployment. A `nil` queue means the pool's default queue; a named
/// queue that does not exist is an error (Prefect auto-creates it, which hides typos).
package struct DeploymentSpec: Sendable, Hashable {
    package var name: String
    package var poolName: String
    package var queueName: String?
    package var jobVariables: String?
    package var concurrencyLimit: Int?

    package init(
        name: String,
        poolName: String,
        queueName: String? = nil,
        jobVariables: String? = nil,
        concurrencyLimit: Int? = nil
    ) {
        self.name = name
        self.poolName = poolName
        self.queueName = queueName
        self.jobVariables = jobVariables
        self.concurrencyLimit = concurrencyLimit
    }
}

/// A partial update of a deployment; `nil` fields are left as they are.
package struct DeploymentUpdate: Sendable, Hashable {
    /// Moves the deployment (and its future runs) to another queue of its pool, or of ``poolName``.
    package var queueName: String?
    /// Switches the deployment to another pool (its default queue unless ``queueName`` names one): the
    /// caller has checked the job variables against that pool's template (docs/design.md "Enforced interfaces").
    package var poolName: String?
    /// With ``poolName``: moves the deployment's Scheduled and Late runs too, in the same transaction;
    /// runs already claimed stay where they are.
    package var moveScheduled: Bool
    /// `.some(nil)` clears the job variables; `nil` keeps them.
    package var jobVariables: String??
    /// `.some(nil)` removes the limit; `nil` keeps it.
    package var concurrencyLimit: Int??

    package init(
        queueName: String? = nil,
        poolName: String? = nil,
        moveScheduled: Bool = false,
        jobVariables: String?? = nil,
        concurrencyLimit: Int?? = nil
    ) {
        self.queueName = queueName
        self.poolName = poolName
        self.moveScheduled = moveScheduled
        self.jobVariables = jobVariables
        self.concurrencyLimit = concurrencyLimit
    }
}
