import Foundation
import PushgateSigning

extension AWSProfile: CredentialProfile {
    package static let kind = "aws"

    /// `[aws NAME]`: static keys, `role_arn` over one base, or `source = chain` (docs/provider-apis.md §2.9).
    static func parse(_ r: inout CredentialsFile.Reader) throws -> AWSProfile {
        let keyID = r.string("access_key_id")
        let secret = r.string("secret_access_key")
        let token = r.string("session_token")
        let roleARN = r.string("role_arn")
        let sourceProfile = r.string("source_profile")
        let source = r.string("source")
        if let source, source != "chain" {
            throw CredentialsError(.invalidValue, "\(r.place("source")): source: expected \"chain\" for an aws profile")
        }
        var keys: AWSCredentials?
        if keyID != nil || secret != nil || token != nil {
            guard let keyID, let secret else {
                throw CredentialsError(
                    .invalidValue,
                    "\(r.place): [aws \(r.section.name)]: access_key_id and secret_access_key go together"
                )
            }
            keys = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)
        }
        let given = [keys != nil, sourceProfile != nil, source != nil].filter { $0 }.count
        let kind: AWSProfile.Source
        if let roleARN {
            guard given == 1 else {
                throw CredentialsError(
                    .invalidValue,
                    "\(r.place): [aws \(r.section.name)]: role_arn needs exactly one base: source_profile, "
                        + "access_key_id/secret_access_key, or source = chain"
                )
            }
            let base: AWSProfile.AssumeRole.Base =
                if let sourceProfile { .profile(sourceProfile) } else if let keys { .keys(keys) } else { .chain }
            kind = .assumeRole(
                AWSProfile.AssumeRole(
                    roleARN: roleARN,
                    sessionName: r.string("role_session_name") ?? "pushgate",
                    externalID: r.string("external_id"),
                    durationSeconds: try r.integer("duration_seconds", in: 900...43_200) ?? 3_600,
                    base: base
                )
            )
        } else {
            if sourceProfile != nil {
                throw CredentialsError(.invalidValue, "\(r.place("source_profile")): source_profile: needs role_arn")
            }
            for key in ["role_session_name", "external_id", "duration_seconds"] where r.section.entries[key] != nil {
                throw CredentialsError(.invalidValue, "\(r.place(key)): \(key): needs role_arn")
            }
            if let keys, source == nil {
                kind = .staticKeys(keys)
            } else if source != nil, keys == nil {
                kind = .chain(sharedProfile: r.string("aws_profile"))
            } else {
                throw CredentialsError(
                    .invalidValue,
                    "\(r.place): [aws \(r.section.name)]: give access_key_id + secret_access_key, role_arn, or source = chain"
                )
            }
        }
        let profile = AWSProfile(
            name: r.section.name,
            source: kind,
            region: r.string("region"),
            endpointURL: try r.endpoint("endpoint_url"),
            stsEndpoint: try r.endpoint("sts_endpoint"),
            imdsEndpoint: try r.endpoint("imds_endpoint", metadata: true),
            place: r.place
        )
        return profile
    }
}

extension AWSProfile {
    /// `source_profile` must name another aws profile of the same file, without cycles.
    static func checkSourceProfiles(_ profiles: [String: AWSProfile]) throws {
        for profile in profiles.values {
            var seen: Set<String> = [profile.name]
            var current = profile
            while case .assumeRole(let role) = current.source, case .profile(let next) = role.base {
                guard let nextProfile = profiles[next] else {
                    throw CredentialsError(.invalidValue, "\(current.place): source_profile: no [aws \(next)] profile in this file")
                }
                guard seen.insert(next).inserted else {
                    throw CredentialsError(.invalidValue, "\(current.place): source_profile: cycle through [aws \(next)]")
                }
                current = nextProfile
            }
        }
    }
}

extension AWSProfile {
    package var secretValues: [String] {
        let keys: AWSCredentials? =
            switch source {
            case .staticKeys(let keys): keys
            case .assumeRole(let role): if case .keys(let keys) = role.base { keys } else { nil }
            case .chain: nil
            }
        return keys.map { [$0.secretAccessKey] + ($0.sessionToken.map { [$0] } ?? []) } ?? []
    }
}

extension CredentialProfileKind {
    package static let aws = CredentialProfileKind(AWSProfile.self, parse: AWSProfile.parse, check: AWSProfile.checkSourceProfiles)
}

extension CredentialsFile {
    package func awsProfile(_ name: String) throws -> AWSProfile {
        try profile(AWSProfile.self, named: name)
    }
}
