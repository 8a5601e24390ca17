import Foundation

/// A push work pool: where runs are submitted (its type and base job template) and how many at once.
package struct WorkPool: Sendable, Hashable {
    package var id: Int64
    package var name: String
    /// Free string; `*:push` types have a default template in `templates/`.
    package var type: String
    /// The base job template as JSON text (`job_configuration` + `variables`).
    package var baseJobTemplate: String
    /// Maximum in-flight runs across all queues; `nil` is unlimited.
    package var concurrencyLimit: Int?
    package var isPaused: Bool
    /// The credentials-file profile used to submit this pool's runs.
    package var credentialsProfile: String?
    package var createdAt: Date
    package var updatedAt: Date
    /// Undeclared job variables are refused unless the pool allows them (then dropped, as Prefect does).
    package var undeclaredVariables: UndeclaredVariables
    /// 1 at creation; each template update adds one. Runs record the version they were submitted with.
    package var templateVersion: Int
    /// Why `serve` cannot submit the pool's runs (its credentials profile is missing, say), as the last
    /// gateway to try found; nil when it can.
    package var statusReason: String?

    package init(
        id: Int64,
        name: String,
        type: String,
        baseJobTemplate: String,
        concurrencyLimit: Int?,
        isPaused: Bool,
        credentialsProfile: String?,
        createdAt: Date,
        updatedAt: Date,
        undeclaredVariables: UndeclaredVariables = .refuse,
        templateVersion: Int = 1,
        statusReason: String? = nil
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.baseJobTemplate = baseJobTemplate
        self.concurrencyLimit = concurrencyLimit
        self.isPaused = isPaused
        self.credentialsProfile = credentialsProfile
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.undeclaredVariables = undeclaredVariables
        self.templateVersion = templateVersion
        self.statusReason = statusReason
    }
}

/// What a caller supplies to create a pool.
package struct WorkPoolSpec: Sendable, Hashable {
    package var name: String
    package var type: String
    package var baseJobTemplate: String
    package var concurrencyLimit: Int?
    package var isPaused: Bool
    package var credentialsProfile: String?
    package var undeclaredVariables: UndeclaredVariables

    package init(
        name: String,
        type: String,
        baseJobTemplate: String,
        concurrencyLimit: Int? = nil,
        isPaused: Bool = false,
        credentialsProfile: String? = nil,
        undeclaredVariables: UndeclaredVariables = .refuse
    ) {
        self.name = name
        self.type = type
        self.baseJobTemplate = baseJobTemplate
        self.concurrencyLimit = concurrencyLimit
        self.isPaused = isPaused
        self.credentialsProfile = credentialsProfile
        self.undeclaredVariables = undeclaredVariables
    }
}

/// A partial update of a pool; `nil` fields are left as they are.
package struct WorkPoolUpdate: Sendable, Hashable {
    package var isPaused: Bool?
    /// `.some(nil)` removes the limit; `nil` keeps it.
    package var concurrencyLimit: Int??
    package var undeclaredVariables: UndeclaredVariables?
    package var template: TemplateChange?
    /// `.some(nil)` removes the profile; `nil` keeps it.
    package var credentialsProfile: String??

    /// A new base job template, checked by the caller against the pool's deployments and unsubmitted runs
    /// (``TemplateChangeReport``). Applied only if the pool is still at `expectedVersion`, so two updates
    /// never both pass a check made against the same old template.
    package struct TemplateChange: Sendable, Hashable {
        package var baseJobTemplate: String
        package var expectedVersion: Int
        /// Deployments (by name) the new template no longer fits, with the reason (a forced update); every
        /// other deployment of the pool is marked valid.
        package var invalidDeployments: [String: String]

        package init(baseJobTemplate: String, expectedVersion: Int, invalidDeployments: [String: String] = [:]) {
            self.baseJobTemplate = baseJobTemplate
            self.expectedVersion = expectedVersion
            self.invalidDeployments = invalidDeployments
        }
    }

    package init(
        isPaused: Bool? = nil,
        concurrencyLimit: Int?? = nil,
        undeclaredVariables: UndeclaredVariables? = nil,
        template: TemplateChange? = nil,
        credentialsProfile: String?? = nil
    ) {
        self.isPaused = isPaused
        self.concurrencyLimit = concurrencyLimit
        self.undeclaredVariables = undeclaredVariables
        self.template = template
        self.credentialsProfile = credentialsProfile
    }
}
