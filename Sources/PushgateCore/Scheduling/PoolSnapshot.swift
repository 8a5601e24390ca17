/// A pool as the selection policy sees it at one instant: limits, pause flags and in-flight counts.
package struct PoolSnapshot: Sendable, Hashable {
    /// One queue of the pool.
    package struct Queue: Sendable, Hashable {
        package var id: Int64
        package var priority: Int
        package var concurrencyLimit: Int?
        package var isPaused: Bool
        /// Runs of this queue in an in-flight state (Pending, Running).
        package var inFlight: Int

        package init(id: Int64, priority: Int, concurrencyLimit: Int?, isPaused: Bool, inFlight: Int) {
            self.id = id
            self.priority = priority
            self.concurrencyLimit = concurrencyLimit
            self.isPaused = isPaused
            self.inFlight = inFlight
        }
    }

    /// A deployment that has candidates in this pool.
    package struct Deployment: Sendable, Hashable {
        package var concurrencyLimit: Int?
        /// Runs of this deployment in an in-flight state, wherever they are.
        package var inFlight: Int

        package init(concurrencyLimit: Int?, inFlight: Int) {
            self.concurrencyLimit = concurrencyLimit
            self.inFlight = inFlight
        }
    }

    package var concurrencyLimit: Int?
    package var isPaused: Bool
    /// Runs of every queue of the pool in an in-flight state, paused queues included (see ``SelectionPolicy``).
    package var inFlight: Int
    package var queues: [Queue]
    /// Deployments by id; a deployment missing here has no limit.
    package var deployments: [Int64: Deployment]
    /// The pool cannot submit (its credentials profile is missing, say): what a preview shows. Claims leave
    /// it false, since another replica's credentials may have the profile.
    package var cannotSubmit = false

    package init(
        concurrencyLimit: Int?,
        isPaused: Bool,
        inFlight: Int,
        queues: [Queue],
        deployments: [Int64: Deployment] = [:]
    ) {
        self.concurrencyLimit = concurrencyLimit
        self.isPaused = isPaused
        self.inFlight = inFlight
        self.queues = queues
        self.deployments = deployments
    }
}
