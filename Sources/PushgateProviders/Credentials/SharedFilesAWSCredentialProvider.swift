import Foundation
import PushgateCore
import PushgateSigning

/// The AWS shared files: `~/.aws/credentials` (`AWS_SHARED_CREDENTIALS_FILE`) section `[name]`, then
/// `~/.aws/config` (`AWS_CONFIG_FILE`) section `[profile name]` (`[default]`), the name from `AWS_PROFILE`
/// unless given (docs/provider-apis.md §2.9 steps 2, 4, 5). A config profile with `role_arn` +
/// `source_profile` is assumed through STS.
package struct SharedFilesAWSCredentialProvider: AWSCredentialProvider {
    package var environment: [String: String]
    package var profile: String?
    package var http: any HTTPClient
    package var clock: any WallClock
    package var stsEndpoint: String?

    package init(
        environment: [String: String],
        profile: String? = nil,
        http: any HTTPClient,
        clock: any WallClock,
        stsEndpoint: String? = nil
    ) {
        self.environment = environment
        self.profile = profile
        self.http = http
        self.clock = clock
        self.stsEndpoint = stsEndpoint
    }

    package func credentials() async throws -> AWSCredentials {
        try await credentials(for: profile ?? environment["AWS_PROFILE"] ?? "default", depth: 0)
    }

    private func credentials(for name: String, depth: Int) async throws -> AWSCredentials {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        let credentialsFile = SharedFilesAWSCredentialProvider.ini(atPath: credentialsPath)
        let configFile = SharedFilesAWSCredentialProvider.ini(atPath: configPath)
        let config = configFile[name == "default" ? "default" : "profile \(name)"] ?? configFile[name] ?? [:]
        let section = credentialsFile[name] ?? [:]

        if let roleARN = config["role_arn"] ?? section["role_arn"], depth < 5 {
            guard let sourceProfile = config["source_profile"] ?? section["source_profile"] else {
                throw CredentialsError(
                    .notConfigured,
                    "\(configPath): [profile \(name)]: role_arn without source_profile is not supported"
                )
            }
            let baseCredentials = try await credentials(for: sourceProfile, depth: depth + 1)
            let region = config["region"] ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
            let role = AWSProfile.AssumeRole(
                roleARN: roleARN,
                sessionName: config["role_session_name"] ?? "pushgate",
                externalID: config["external_id"],
                durationSeconds: Int(config["duration_seconds"] ?? "") ?? 3_600,
                base: .profile(sourceProfile)
            )
            return try await STSAssumeRoleProvider(
                base: StaticAWSCredentialProvider(baseCredentials),
                role: role,
                region: region,
                endpoint: stsEndpoint,
                http: http,
                clock: clock
            ).credentials()
        }
        for values in [section, config] {
            if let keyID = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] {
                return AWSCredentials(
                    accessKeyID: keyID,
                    secretAccessKey: secret,
                    sessionToken: values["aws_session_token"] ?? values["aws_security_token"]
                )
            }
        }
        throw CredentialsError(.notConfigured, "\(credentialsPath), \(configPath): no keys for profile \"\(name)\"")
    }

    /// A lenient INI read (the AWS CLI's format): `[section]`, `key = value`, `#`/`;` comment lines.
    static func ini(atPath path: String) -> [String: [String: String]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            sections[current, default: [:]][key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        return sections
    }
}
