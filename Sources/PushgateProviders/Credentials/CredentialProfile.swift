/// One `[KIND NAME]` section of the credentials file, parsed. Each profile kind is declared next to the
/// code that uses it (``CredentialProfileKind``), so a new kind edits no switch in ``CredentialsFile``.
package protocol CredentialProfile: Sendable {
    /// The section kind, `aws` in `[aws prod]`.
    static var kind: String { get }
    var name: String { get }
    /// `FILE:LINE` of the section header, for errors.
    var place: String { get }
    /// The profile's secret values (keys, passwords, tokens): a dry-run shows none of them, wherever a
    /// template copied one (docs/provider-apis.md §1.1).
    var secretValues: [String] { get }
}

extension CredentialProfile {
    package var secretValues: [String] { [] }
}
