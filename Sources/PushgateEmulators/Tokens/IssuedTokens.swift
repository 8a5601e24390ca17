import Foundation
import Synchronization

/// The opaque bearer tokens a fake token endpoint has issued, with their expiry and scope, so the
/// API fakes can refuse a missing, unknown or expired token with 401 as the real services do.
package final class IssuedTokens: Sendable {
    package enum Check: Sendable, Equatable {
        case valid(subject: String)
        /// No `Authorization: Bearer …` header.
        case missing
        /// A token this endpoint never issued (or one for another scope).
        case unknown
        case expired
    }

    private struct Entry {
        var subject: String
        var scope: String
        var expiresAt: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let counter = Atomic<Int>(0)
    private let prefix: String

    /// - Parameter prefix: makes tokens recognisable (`ya29.` for Google, `eyJ` for Entra ID).
    package init(prefix: String) { self.prefix = prefix }

    /// A fresh opaque token for `subject` valid for `lifetime` seconds from `now`.
    package func issue(subject: String, scope: String, lifetime: TimeInterval, now: Date) -> String {
        let serial = counter.add(1, ordering: .relaxed).newValue
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
        let token = "\(prefix)fake-\(serial)-\(random)"
        entries.withLock { $0[token] = Entry(subject: subject, scope: scope, expiresAt: now.addingTimeInterval(lifetime)) }
        return token
    }

    /// Checks an `Authorization` header value for a token with `scope` (a token carries space-separated scopes).
    package func check(authorization: String?, scope: String, now: Date) -> Check {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return .missing }
        let token = String(authorization.dropFirst("Bearer ".count))
        guard let entry = entries.withLock({ $0[token] }), entry.scope.split(separator: " ").contains(Substring(scope))
        else { return .unknown }
        return now < entry.expiresAt ? .valid(subject: entry.subject) : .expired
    }

    /// Makes every issued token expired (tests of the refresh-on-401 path).
    package func expireAll(now: Date) {
        entries.withLock { all in
            for key in all.keys { all[key]?.expiresAt = now }
        }
    }

    package var count: Int { entries.withLock { $0.count } }
}
