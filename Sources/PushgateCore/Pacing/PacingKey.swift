/// What shares one submission quota: provider, account and region (docs/peers.md §2.1: quotas are per
/// account and region). Separate from the key that caches a built provider (type and credentials
/// profile): two profiles of one account share a quota, and one Cloud Run profile spans regions.
package struct PacingKey: Hashable, Sendable, CustomStringConvertible {
    package var kind: ProviderKind
    /// The account, project, subscription or workspace the calls are billed to.
    package var account: String
    /// The region the calls go to; empty where the quota is global.
    package var region: String

    package init(kind: ProviderKind, account: String, region: String = "") {
        self.kind = kind
        self.account = account
        self.region = region
    }

    package var description: String { "\(kind.rawValue)|\(account)|\(region)" }
}
