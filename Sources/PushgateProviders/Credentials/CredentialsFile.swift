import Foundation
import PushgateSigning

/// The gateway's credentials file: INI sections `[aws NAME]`, `[gcp NAME]`, `[azure NAME]`,
/// `[modal NAME]`, `[docker NAME]` with `key = value` lines (every key is documented in `credentials.example`).
/// Parsing is strict: an unknown kind or key, a duplicate, a missing value or a refused endpoint is an
/// error naming `FILE:LINE` and the key, and never quoting a secret value.
package struct CredentialsFile: Sendable, Equatable {
    package var path: String
    package var aws: [String: AWSProfile] = [:]
    package var gcp: [String: GCPProfile] = [:]
    package var azure: [String: AzureProfile] = [:]
    package var modal: [String: ModalProfile] = [:]
    package var docker: [String: DockerProfile] = [:]

    /// Reads and parses the file at `path`.
    package static func load(path: String) throws -> CredentialsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialsError(.invalidFile, "\(path): cannot read the credentials file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialsError(.invalidFile, "\(path): the credentials file is not UTF-8")
        }
        return try CredentialsFile(parsing: text, path: path)
    }

    package init(parsing text: String, path: String) throws {
        self.path = path
        for section in try CredentialsFile.sections(text, path: path) {
            let place = "\(path):\(section.line)"
            switch section.kind {
            case "aws": aws[section.name] = try CredentialsFile.awsProfile(section, path: path)
            case "gcp": gcp[section.name] = try CredentialsFile.gcpProfile(section, path: path)
            case "azure": azure[section.name] = try CredentialsFile.azureProfile(section, path: path)
            case "modal": modal[section.name] = try CredentialsFile.modalProfile(section, path: path)
            case "docker": docker[section.name] = try CredentialsFile.dockerProfile(section, path: path)
            default:
                throw CredentialsError(
                    .invalidFile,
                    "\(place): unknown section kind \"\(section.kind)\" (expected aws, gcp, azure, modal or docker)"
                )
            }
        }
        // source_profile must name another aws profile of this file, without cycles.
        for profile in aws.values {
            var seen: Set<String> = [profile.name]
            var current = profile
            while case .assumeRole(let role) = current.source, case .profile(let next) = role.base {
                guard let nextProfile = aws[next] else {
                    throw CredentialsError(
                        .invalidValue,
                        "\(current.place): source_profile: no [aws \(next)] profile in this file"
                    )
                }
                guard seen.insert(next).inserted else {
                    throw CredentialsError(.invalidValue, "\(current.place): source_profile: cycle through [aws \(next)]")
                }
                current = nextProfile
            }
        }
    }

    package func awsProfile(_ name: String) throws -> AWSProfile {
        guard let profile = aws[name] else { throw unknown("aws", name) }
        return profile
    }
    package func gcpProfile(_ name: String) throws -> GCPProfile {
        guard let profile = gcp[name] else { throw unknown("gcp", name) }
        return profile
    }
    package func azureProfile(_ name: String) throws -> AzureProfile {
        guard let profile = azure[name] else { throw unknown("azure", name) }
        return profile
    }
    package func modalProfile(_ name: String) throws -> ModalProfile {
        guard let profile = modal[name] else { throw unknown("modal", name) }
        return profile
    }

    private func unknown(_ kind: String, _ name: String) -> CredentialsError {
        CredentialsError(.unknownProfile, problem(kind: kind, profile: name) ?? "\(path): no [\(kind) \(name)] profile")
    }
}
