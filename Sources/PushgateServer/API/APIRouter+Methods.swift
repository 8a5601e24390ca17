/// The methods each route answers, so a known path asked with another method gets 405 and an `Allow`
/// header (RFC 9110 §15.5.6) instead of a 404 that suggests the path is wrong.
extension APIRouter {
    /// The methods of the route `segments` names; empty for a path no route has.
    static func allowedMethods(_ segments: [String]) -> [String] {
        switch (segments.first, segments.count) {
        case ("health"?, 1), ("metrics"?, 1), ("cleanups"?, 1): return ["GET"]
        case ("templates"?, 2) where segments[1] == "validate": return ["POST"]
        case ("work_pools"?, 1), ("deployments"?, 1), ("flow_runs"?, 1): return ["GET", "POST"]
        case ("work_pools"?, 2), ("deployments"?, 2): return ["GET", "PATCH", "DELETE"]
        case ("flow_runs"?, 2): return ["GET"]
        case ("flow_runs"?, 3) where segments[2] == "cancel": return ["POST"]
        case ("flow_runs"?, 3) where segments[2] == "logs": return ["GET"]
        case ("work_pools"?, 3) where segments[2] == "preview": return ["GET"]
        case ("work_pools"?, 3) where segments[2] == "dry_run": return ["POST"]
        case ("work_pools"?, 3) where segments[2] == "queues": return ["GET", "POST"]
        case ("work_pools"?, 4) where segments[2] == "queues": return ["GET", "PATCH", "DELETE"]
        default: return []
        }
    }
}
