import Foundation
import PushgateSigning

extension CredentialsFile {
    /// One `[kind name]` section with its `key = value` entries and their line numbers.
    struct Section {
        var kind: String
        var name: String
        var line: Int
        var entries: [String: (value: String, line: Int)] = [:]
    }

    /// Splits the text into sections. Comments are whole lines starting with `#` or `;` (values are
    /// never cut at `#`: secrets may contain it).
    static func sections(_ text: String, path: String) throws -> [Section] {
        var sections: [Section] = []
        var names: Set<String> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let place = "\(path):\(lineNumber)"
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw CredentialsError(.invalidFile, "\(place): section header without ]") }
                let words = line.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true)
                guard words.count == 2 else {
                    throw CredentialsError(.invalidFile, "\(place): section header must be [KIND NAME], e.g. [aws prod]")
                }
                let kind = words[0].lowercased()
                let name = String(words[1])
                guard names.insert("\(kind) \(name)").inserted else {
                    throw CredentialsError(.invalidFile, "\(place): duplicate section [\(kind) \(name)]")
                }
                sections.append(Section(kind: kind, name: name, line: lineNumber))
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw CredentialsError(.invalidFile, "\(place): expected KEY = VALUE or [KIND NAME]")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !sections.isEmpty else {
                throw CredentialsError(.invalidFile, "\(place): \(key): key outside any [KIND NAME] section")
            }
            guard !key.isEmpty else { throw CredentialsError(.invalidFile, "\(place): empty key") }
            guard sections[sections.count - 1].entries[key] == nil else {
                throw CredentialsError(.invalidFile, "\(place): \(key): duplicate key in this section")
            }
            guard !value.isEmpty else { throw CredentialsError(.invalidValue, "\(place): \(key): empty value") }
            sections[sections.count - 1].entries[key] = (value, lineNumber)
        }
        return sections
    }

    /// Reads typed values out of a section and rejects keys it does not know.
    struct Reader {
        let section: Section
        let path: String
        var used: Set<String> = []

        var place: String { "\(path):\(section.line)" }
        func place(_ key: String) -> String { "\(path):\(section.entries[key]?.line ?? section.line)" }

        mutating func string(_ key: String) -> String? {
            used.insert(key)
            return section.entries[key]?.value
        }

        mutating func required(_ key: String, because reason: String) throws -> String {
            guard let value = string(key) else {
                throw CredentialsError(
                    .invalidValue,
                    "\(place): [\(section.kind) \(section.name)]: \(key) is required \(reason)"
                )
            }
            return value
        }

        mutating func endpoint(_ key: String, metadata: Bool = false) throws -> String? {
            guard let value = string(key) else { return nil }
            return try EndpointURL.validate(value, key: key, place: place(key), allowMetadataHosts: metadata)
        }

        mutating func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let text = string(key) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw CredentialsError(
                    .invalidValue,
                    "\(place(key)): \(key): expected an integer in \(range.lowerBound)...\(range.upperBound)"
                )
            }
            return value
        }

        /// Fails on any key no reader call asked for (typos must not pass silently).
        func finish() throws {
            let unknown = section.entries.keys.filter { !used.contains($0) }.sorted { lhs, rhs in
                section.entries[lhs]!.line < section.entries[rhs]!.line
            }
            if let key = unknown.first {
                throw CredentialsError(
                    .invalidValue,
                    "\(place(key)): \(key): unknown key for [\(section.kind) \(section.name)]"
                )
            }
        }
    }

    static func awsProfile(_ section: Section, path: String) throws -> AWSProfile {
        var r = Reader(section: section, path: path)
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
                    "\(r.place): [aws \(section.name)]: access_key_id and secret_access_key go together"
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
                    "\(r.place): [aws \(section.name)]: role_arn needs exactly one base: source_profile, "
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
                    "\(r.place): [aws \(section.name)]: give access_key_id + secret_access_key, role_arn, or source = chain"
                )
            }
        }
        let profile = AWSProfile(
            name: section.name,
            source: kind,
            region: r.string("region"),
            endpointURL: try r.endpoint("endpoint_url"),
            stsEndpoint: try r.endpoint("sts_endpoint"),
            imdsEndpoint: try r.endpoint("imds_endpoint", metadata: true),
            place: r.place
        )
        try r.finish()
        return profile
    }

    static func gcpProfile(_ section: Section, path: String) throws -> GCPProfile {
        var r = Reader(section: section, path: path)
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
                "\(r.place): [gcp \(section.name)]: give exactly one of key_file or source = metadata"
            )
        }
        let scopes = r.string("scopes").map { $0.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }
        var profile = GCPProfile(
            name: section.name,
            source: kind,
            project: r.string("project"),
            tokenURI: try r.endpoint("token_uri"),
            runEndpoint: try r.endpoint("run_endpoint"),
            metadataEndpoint: try r.endpoint("metadata_endpoint", metadata: true),
            scopes: scopes ?? [GoogleServiceAccountAssertion.cloudPlatformScope],
            place: r.place
        )
        profile.aiplatformEndpoint = try r.endpoint("aiplatform_endpoint")
        try r.finish()
        return profile
    }

    static func azureProfile(_ section: Section, path: String) throws -> AzureProfile {
        var r = Reader(section: section, path: path)
        let source = r.string("source")
        let clientID = r.string("client_id")
        let kind: AzureProfile.Source
        switch source {
        case nil:
            let tenant = try r.required("tenant_id", because: "for client-secret credentials")
            let client = try clientID ?? r.required("client_id", because: "for client-secret credentials")
            let secret = try r.required("client_secret", because: "for client-secret credentials")
            kind = .clientSecret(tenantID: tenant, clientID: client, secret: SecretValue(secret))
        case "managed_identity":
            for key in ["tenant_id", "client_secret"] where r.section.entries[key] != nil {
                throw CredentialsError(.invalidValue, "\(r.place(key)): \(key): not used with source = managed_identity")
            }
            kind = .managedIdentity(clientID: clientID)
        case let other?:
            throw CredentialsError(
                .invalidValue,
                "\(r.place("source")): source: expected \"managed_identity\", not \"\(other)\""
            )
        }
        let profile = AzureProfile(
            name: section.name,
            source: kind,
            subscriptionID: r.string("subscription_id"),
            resourceGroup: r.string("resource_group"),
            authority: try r.endpoint("authority"),
            managementEndpoint: try r.endpoint("management_endpoint"),
            imdsEndpoint: try r.endpoint("imds_endpoint", metadata: true),
            place: r.place
        )
        try r.finish()
        return profile
    }

    static func modalProfile(_ section: Section, path: String) throws -> ModalProfile {
        var r = Reader(section: section, path: path)
        let id = try r.required("token_id", because: "for a modal profile")
        let secret = try r.required("token_secret", because: "for a modal profile")
        let profile = ModalProfile(
            name: section.name,
            credentials: ModalCredentials(tokenID: id, tokenSecret: SecretValue(secret)),
            serverURL: try r.endpoint("server_url"),
            environment: r.string("environment"),
            place: r.place
        )
        try r.finish()
        return profile
    }
}
