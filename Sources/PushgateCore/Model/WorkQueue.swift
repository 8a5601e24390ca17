import Foundation

/// A work queue of a pool. Priority 1 is the highest and priorities are unique per pool.
package struct WorkQueue: Sendable, Hashable {
    /// The queue every pool has; it cannot be deleted.
    package static let defaultName = "default"
    /// A queue the dispatcher considered within this window is READY (Prefect's hard-coded 60 s).
    package static let readyWindow: TimeInterval = 60

    package var id: Int64
    package var poolID: Int64
    package var poolName: String
    package var name: String
    package var priority: Int
    /// Maximum in-flight runs from this queue; `nil` is unlimited.
    package var concurrencyLimit: Int?
    package var isPaused: Bool
    /// When the dispatcher last considered this queue for claims (Prefect's `last_polled`).
    package var lastConsideredAt: Date?
    package var createdAt: Date

    package init(
        id: Int64,
        poolID: Int64,
        poolName: String,
        name: String,
        priority: Int,
        concurrencyLimit: Int?,
        isPaused: Bool,
        lastConsideredAt: Date?,
        createdAt: Date
    ) {
        self.id = id
        self.poolID = poolID
        self.poolName = poolName
        self.name = name
        self.priority = priority
        self.concurrencyLimit = concurrencyLimit
        self.isPaused = isPaused
        self.lastConsideredAt = lastConsideredAt
        self.createdAt = createdAt
    }

    package var isDefault: Bool { name == Self.defaultName }

    /// PAUSED when paused, else READY when considered within the last 60 s, else NOT_READY
    /// (docs/design.md "Selection").
    package func status(now: Date) -> WorkQueueStatus {
        if isPaused { return .paused }
        guard let last = lastConsideredAt else { return .notReady }
        return now.timeIntervalSince(last) <= Self.readyWindow ? .ready : .notReady
    }
}

/// What a caller supplies to create a queue. A `nil` priority takes the first free one
/// (docs/prefect-semantics.md §4.3).
package struct WorkQueueSpec: Sendable, Hashable {
    package var name: String
    package var priority: Int?
    package var concurrencyLimit: Int?
    package var isPaused: Bool

    package init(name: String, priority: Int? = nil, concurrencyLimit: Int? = nil, isPaused: Bool = false) {
        self.name = name
        self.priority = priority
        self.concurrencyLimit = concurrencyLimit
        self.isPaused = isPaused
    }
}

/// A partial update of a queue; `nil` fields are left as they are.
package struct WorkQueueUpdate: Sendable, Hashable {
    package var priority: Int?
    /// `.some(nil)` removes the limit; `nil` keeps it.
    package var concurrencyLimit: Int??
    package var isPaused: Bool?

    package init(priority: Int? = nil, concurrencyLimit: Int?? = nil, isPaused: Bool? = nil) {
        self.priority = priority
        self.concurrencyLimit = concurrencyLimit
        self.isPaused = isPaused
    }
}
