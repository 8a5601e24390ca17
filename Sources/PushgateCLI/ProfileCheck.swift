import Foundation
import PushgateCore
import PushgateProviders
import PushgateRegistry

/// The credentials-profile check `pool create` and `pool update` make when a credentials file is given
/// (`--credentials-file FILE` or `PUSHGATE_CREDENTIALS`): a pool named after a profile the file lacks is
/// refused where the mistake is made, instead of logging errors under `serve` later.
enum ProfileCheck {
    /// The credentials file the command was given, if any.
    static func file(_ parsed: ParsedArguments, _ context: CommandContext) -> String? {
        parsed.option("credentials-file") ?? context.environment["PUSHGATE_CREDENTIALS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Refuses `profile` for a pool of `type` when a credentials file is given and lacks it; an unreadable
    /// or invalid file is an I/O or input error naming the file. Returns the job variables the profile
    /// supplies (``ProviderRegistration/variableDefaults(credentials:profile:)``); none without a file.
    @discardableResult
    static func check(profile: String?, type: ProviderType, _ parsed: ParsedArguments, _ context: CommandContext) throws -> [String: JSONValue] {
        guard type.usesCredentials, let path = file(parsed, context) else { return [:] }
        guard FileManager.default.isReadableFile(atPath: path) else { throw JSONArgument.Failure.io("\(path): cannot read the credentials file") }
        let credentials: CredentialsFile
        do {
            credentials = try CredentialsFile.load(path: path, kinds: ProviderRegistry.profileKinds)
        } catch let error as CredentialsError {
            throw InputError(error.message)
        }
        if let problem = credentials.problem(kind: type.credentialsProfileKind, profile: profile) {
            throw InputError("\(type.kind.rawValue) pool cannot submit: \(problem)")
        }
        guard let profile, let registration = ProviderRegistry.registration(forPoolType: type.kind.rawValue) else { return [:] }
        return registration.variableDefaults(credentials: credentials, profile: profile)
    }
}
