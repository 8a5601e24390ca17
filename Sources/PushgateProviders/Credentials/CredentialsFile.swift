import Foundation

/// The gateway's credentials file: INI sections `[KIND NAME]` with `key = value` lines, one kind per
/// ``CredentialProfileKind`` the registry lists (`aws`, `gcp`, `azure`, `modal`, `docker`; every key is
/// documented in `credentials.example`). Parsing is strict: an unknown kind or key, a duplicate, a missing
/// value or a refused endpoint is an error naming `FILE:LINE` and the key, and never quoting a secret value.
package struct CredentialsFile: Sendable {
    package var path: String
    /// Profiles by kind, then by name.
    private var profiles: [String: [String: any CredentialProfile]] = [:]

    /// Reads and parses the file at `path` with the section kinds `kinds`.
    package static func load(path: String, kinds: [CredentialProfileKind]) throws -> CredentialsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialsError(.invalidFile, "\(path): cannot read the credentials file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialsError(.invalidFile, "\(path): the credentials file is not UTF-8")
        }
        return try CredentialsFile(parsing: text, path: path, kinds: kinds)
    }

    /// A file with no profiles, for pool types that need none (`process`).
    package static func empty(path: String = "(no credentials file)") -> CredentialsFile {
        CredentialsFile(path: path)
    }

    private init(path: String) {
        self.path = path
    }

    package init(parsing text: String, path: String, kinds: [CredentialProfileKind]) throws {
        self.path = path
        let byName = Dictionary(kinds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for section in try CredentialsFile.sections(text, path: path) {
            guard let kind = byName[section.kind] else {
                let expected = kinds.map(\.name)
                let list = expected.count > 1 ? expected.dropLast().joined(separator: ", ") + " or " + expected.last! : expected.joined()
                throw CredentialsError(
                    .invalidFile,
                    "\(path):\(section.line): unknown section kind \"\(section.kind)\" (expected \(list))"
                )
            }
            profiles[section.kind, default: [:]][section.name] = try kind.profile(section, path: path)
        }
        for kind in kinds {
            try kind.validate(profiles[kind.name] ?? [:])
        }
    }

    /// The profile `name` of `Profile`'s kind.
    /// - Throws: ``CredentialsError`` `.unknownProfile`, naming a profile of that name under another kind.
    package func profile<Profile: CredentialProfile>(_ type: Profile.Type, named name: String) throws -> Profile {
        guard let profile = profiles[Profile.kind]?[name] as? Profile else {
            throw CredentialsError(
                .unknownProfile,
                problem(kind: Profile.kind, profile: name) ?? "\(path): no [\(Profile.kind) \(name)] profile"
            )
        }
        return profile
    }

    /// The secret values of profile `name` of `kind` (none when there is no such profile).
    package func secretValues(kind: String, profile name: String) -> [String] {
        profiles[kind]?[name]?.secretValues ?? []
    }

    /// The profile names of one kind.
    package func names(of kind: String) -> Set<String> {
        profiles[kind].map { Set($0.keys) } ?? []
    }

    /// The kinds that have at least one profile in this file, sorted.
    package var kindsPresent: [String] {
        profiles.keys.sorted()
    }
}
