import Foundation
import PushgateSigning

extension ModalProfile: CredentialProfile {
    package static let kind = "modal"

    /// `[modal NAME]`: `token_id` and `token_secret` (docs/provider-apis.md §5.2).
    static func parse(_ r: inout CredentialsFile.Reader) throws -> ModalProfile {
        let id = try r.required("token_id", because: "for a modal profile")
        let secret = try r.required("token_secret", because: "for a modal profile")
        let profile = ModalProfile(
            name: r.section.name,
            credentials: ModalCredentials(tokenID: id, tokenSecret: SecretValue(secret)),
            serverURL: try r.endpoint("server_url"),
            environment: r.string("environment"),
            place: r.place
        )
        return profile
    }
}

extension ModalProfile {
    package var secretValues: [String] { [credentials.tokenSecret.value] }
}

extension CredentialProfileKind {
    package static let modal = CredentialProfileKind(ModalProfile.self, parse: ModalProfile.parse)
}

extension CredentialsFile {
    package func modalProfile(_ name: String) throws -> ModalProfile {
        try profile(ModalProfile.self, named: name)
    }
}
