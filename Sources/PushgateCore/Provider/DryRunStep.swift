/// One thing a submission would do, as `pushgate dry-run` shows it: an HTTP request for the cloud
/// providers, a command line for the local `process` type.
package enum DryRunStep: Sendable, Equatable {
    case request(HTTPRequest)
    case command(CommandPreview)

    /// A command that would be started: its words, working directory and environment, secrets redacted.
    package struct CommandPreview: Sendable, Equatable {
        package var arguments: [String]
        package var workingDirectory: String
        /// `NAME=value`, sorted by name; secret values already replaced.
        package var environment: [String]
        /// How the command is started and where its output goes.
        package var notes: [String]

        package init(arguments: [String], workingDirectory: String, environment: [String], notes: [String]) {
            self.arguments = arguments
            self.workingDirectory = workingDirectory
            self.environment = environment
            self.notes = notes
        }
    }

    /// The request, for callers that only show HTTP.
    package var request: HTTPRequest? {
        if case .request(let request) = self { return request }
        return nil
    }
}
