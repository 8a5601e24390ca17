/// How one section kind of the credentials file is parsed: the provider folder that needs the kind declares
/// it (`CredentialProfileKind.docker`), its ``ProviderRegistration`` names it, and the registry hands the
/// list to ``CredentialsFile``. A kind shared by several pool types (`gcp`) is declared once.
package struct CredentialProfileKind: Sendable {
    package let name: String
    private let parse: @Sendable (CredentialsFile.Section, String) throws -> any CredentialProfile
    private let check: @Sendable ([String: any CredentialProfile]) throws -> Void

    /// - Parameters:
    ///   - parse: one section to its profile; throws ``CredentialsError`` naming `FILE:LINE` and the key.
    ///   - check: rules across the kind's profiles (an `aws` `source_profile` names another, without cycles).
    package init<Profile: CredentialProfile>(
        _ type: Profile.Type,
        parse: @escaping @Sendable (inout CredentialsFile.Reader) throws -> Profile,
        check: @escaping @Sendable ([String: Profile]) throws -> Void = { _ in }
    ) {
        self.name = Profile.kind
        self.parse = { section, path in
            var reader = CredentialsFile.Reader(section: section, path: path)
            let profile = try parse(&reader)
            try reader.finish()
            return profile
        }
        self.check = { profiles in try check(profiles.compactMapValues { $0 as? Profile }) }
    }

    func profile(_ section: CredentialsFile.Section, path: String) throws -> any CredentialProfile {
        try parse(section, path)
    }

    func validate(_ profiles: [String: any CredentialProfile]) throws {
        try check(profiles)
    }
}
