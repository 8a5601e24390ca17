import Foundation
import PushgateSigning

extension GCPProfile: CredentialProfile {
    package static let kind = "gcp"

    /// `[gcp NAME]`: `key_file` or `source = metadata` (docs/provider-apis.md §3.7).
    static func parse(_ r: inout CredentialsFile.Reader) throws -> GCPProfile {
        let keyFile = r.string("key_file")
        let source = r.string("source")
        let kind: GCPProfile.Source
        switch (keyFile, source) {
        case (let file?, nil): kind = .keyFile(file)
        case (nil, "metadata"): kind = .metadata
        case (nil, let other?):
            throw CredentialsError(.invalidValue, "\(r.place("source")): source: expected \"metadata\", not \"\(other)\"")
        default:
            throw CredentialsError(
                .invalidValue,
                "\(r.place): [gcp \(r.section.name)]: give exactly one of key_file or source = metadata"
            )
        }
        let scopes = r.string("scopes").map { $0.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }
        var profile = GCPProfile(
            name: r.section.name,
            source: kind,
            project: r.string("project"),
            tokenURI: try r.endpoint("token_uri"),
            runEndpoint: try r.endpoint("run_endpoint"),
            metadataEndpoint: try r.endpoint("metadata_endpoint", metadata: true),
            scopes: scopes ?? [GoogleServiceAccountAssertion.cloudPlatformScope],
            place: r.place
        )
        profile.aiplatformEndpoint = try r.endpoint("aiplatform_endpoint")
        return profile
    }
}

extension CredentialProfileKind {
    package static let gcp = CredentialProfileKind(GCPProfile.self, parse: GCPProfile.parse)
}

extension CredentialsFile {
    package func gcpProfile(_ name: String) throws -> GCPProfile {
        try profile(GCPProfile.self, named: name)
    }
}
