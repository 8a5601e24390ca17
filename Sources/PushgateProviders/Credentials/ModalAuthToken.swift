import Foundation
import PushgateSigning

/// The short-lived JWT from Modal's `AuthTokenGet`, refreshed halfway through its lifetime
/// (docs/provider-apis.md §5.2: refreshFraction 0.5; the default lifetime is used when `exp` is missing).
package struct ModalAuthToken: Sendable, Equatable, CustomStringConvertible {
    package static let defaultLifetime: TimeInterval = 20 * 60

    package var token: SecretValue
    /// From the JWT's `exp` claim, or `receivedAt + defaultLifetime`.
    package var expiresAt: Date
    package var receivedAt: Date

    package init(jwt: String, receivedAt: Date) {
        token = SecretValue(jwt)
        self.receivedAt = receivedAt
        expiresAt = ModalAuthToken.expiry(ofJWT: jwt) ?? receivedAt.addingTimeInterval(ModalAuthToken.defaultLifetime)
    }

    /// Halfway between receipt and expiry.
    package var refreshAt: Date { receivedAt.addingTimeInterval(expiresAt.timeIntervalSince(receivedAt) / 2) }

    /// The refresh margin to give ``ExpiringValue`` so it refreshes at ``refreshAt``.
    package var refreshMargin: TimeInterval { expiresAt.timeIntervalSince(refreshAt) }

    /// Reads `exp` from the JWT payload without verifying it (the server verifies; we only schedule).
    package static func expiry(ofJWT jwt: String) -> Date? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])),
            let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
            let exp = (object["exp"] as? NSNumber)?.doubleValue
        else { return nil }
        return Date(timeIntervalSince1970: exp)
    }

    package var description: String { "ModalAuthToken(<redacted>, expiresAt: \(expiresAt))" }
}
