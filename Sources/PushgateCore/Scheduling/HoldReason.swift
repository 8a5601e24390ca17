/// Why the selection policy did not pick a run this time.
package enum HoldReason: String, Sendable, Hashable, CaseIterable {
    case notDue = "not_due"
    case poolPaused = "pool_paused"
    case queuePaused = "queue_paused"
    case poolFull = "pool_full"
    case queueFull = "queue_full"
    case deploymentFull = "deployment_full"
    /// The gateway cannot build the pool's provider (a missing credentials profile); the pool's status reason says why.
    case poolCannotSubmit = "pool_cannot_submit"
    /// The caller asked for fewer runs than are eligible; the rest wait for the next claim.
    case claimLimit = "claim_limit"

    /// A short phrase for human-readable listings.
    package var phrase: String {
        switch self {
        case .notDue: return "not due yet"
        case .poolPaused: return "pool paused"
        case .queuePaused: return "queue paused"
        case .poolFull: return "pool full"
        case .queueFull: return "queue full"
        case .deploymentFull: return "deployment full"
        case .poolCannotSubmit: return "pool cannot submit"
        case .claimLimit: return "claim limit reached"
        }
    }
}
