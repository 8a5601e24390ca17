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

    package init(
        id: Int64,
        name: String,
        type: String,
        baseJobTemplate: String,
        concurrencyLimit: Int?,
        isPaused: Bool,
        credentialsProfile: String?,
        createdAt: Date,
        updatedAt: Date
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

    package init(
        name: String,
        type: String,
        baseJobTemplate: String,
        concurrencyLimit: Int? = nil,
        isPaused: Bool = false,
        credentialsProfile: String? = nil
    ) {
        self.name = name
        self.type = type
        self.baseJobTemplate = baseJobTemplate
        self.concurrencyLimit = concurrencyLimit
        self.isPaused = isPaused
        self.credentialsProfile = credentialsProfile
    }
}

/// A partial update of a pool; `nil` fields are left as they are.
package struct WorkPoolUpdate: Sendable, Hashable {
    package var isPaused: Bool?
    /// `.some(nil)` removes the limit; `nil` keeps it.
    package var concurrencyLimit: Int??

    package init(isPaused: Bool? = nil, concurrencyLimit: Int?? = nil) {
        self.isPaused = isPaused
        self.concurrencyLimit = concurrencyLimit
    }
}
