import Foundation
import PushgateCore

/// The token request a provider would send first, for `pushgate dry-run`: built from the credentials
/// profile without sending anything, secrets redacted (docs/provider-apis.md §3.7, §4.5).
package struct TokenRequestPreview: Sendable {
    private let build: @Sendable (Date) throws -> HTTPRequest

    package init(_ build: @escaping @Sendable (Date) throws -> HTTPRequest) { self.build = build }

    /// The redacted request as it would be sent at `date` (the JWT's `iat`).
    package func request(at date: Date) throws -> HTTPRequest {
        DryRunRedaction.tokenRequest(try build(date))
    }
}
