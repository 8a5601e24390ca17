import Foundation
import PushgateCore

extension Dispatcher {
    /// Records why the pool cannot submit (nil: it can again), once per change: the log says it once, not
    /// every claim pass, and the store keeps it for `pool inspect`, the API and the preview's held reason.
    func noteCannotSubmit(_ pool: WorkPool, _ reason: String?, _ log: Logger) async {
        guard pool.statusReason != reason else { return }
        if let reason {
            log.error("pool cannot submit", [("reason", reason)])
        } else {
            log.info("pool can submit again")
        }
        do {
            try await store.setPoolStatusReason(pool: pool.name, reason: reason)
        } catch {
            log.warning("could not record the pool's status reason", [("error", "\(error)")])
        }
    }
}
