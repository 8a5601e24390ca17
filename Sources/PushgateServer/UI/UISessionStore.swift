import Foundation
import Synchronization

/// Browser sessions, in memory: a login exchanges an API token for a random session id (the cookie) and
/// a CSRF token that every state-changing form carries. A restart logs everyone out, which is acceptable
/// for an operator page and keeps session secrets out of the store.
package final class UISessionStore: Sendable {
    package struct Session: Sendable, Equatable {
        package var id: String
        package var csrfToken: String
        package var expiresAt: Date
    }

    /// Idle time after which a session ends.
    package let idleTimeout: TimeInterval
    /// Most live sessions; the oldest is dropped beyond it, so a token holder cannot exhaust memory.
    package let capacity: Int
    private let sessions = Mutex<[String: Session]>([:])

    package init(idleTimeout: TimeInterval = 8 * 3600, capacity: Int = 10_000) {
        self.idleTimeout = idleTimeout
        self.capacity = capacity
    }

    package func create(now: Date) -> Session {
        let session = Session(id: UIToken.random(), csrfToken: UIToken.random(), expiresAt: now.addingTimeInterval(idleTimeout))
        sessions.withLock { all in
            all = all.filter { $0.value.expiresAt > now }
            if all.count >= capacity, let oldest = all.min(by: { $0.value.expiresAt < $1.value.expiresAt }) { all[oldest.key] = nil }
            all[session.id] = session
        }
        return session
    }

    /// The live session of cookie value `id`, its idle time restarted; nil when unknown or expired.
    package func session(id: String?, now: Date) -> Session? {
        guard let id, !id.isEmpty else { return nil }
        return sessions.withLock { all in
            guard var session = all[id], UIToken.equal(session.id, id) else { return nil }
            guard session.expiresAt > now else {
                all[id] = nil
                return nil
            }
            session.expiresAt = now.addingTimeInterval(idleTimeout)
            all[id] = session
            return session
        }
    }

    package func end(id: String) { _ = sessions.withLock { $0.removeValue(forKey: id) } }

    package var count: Int { sessions.withLock { $0.count } }
}
