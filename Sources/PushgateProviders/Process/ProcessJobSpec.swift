import PushgateCore

/// A `process` job's rendered configuration read as Prefect's process worker reads it
/// (docs/provider-apis.md §6.1): `command` shlex-split (blank: Prefect's `prefect flow-run execute`), the
/// gateway's environment overlaid with `env` (which carries the run identity), and `working_dir` or the
/// attempt's own `work` folder.
package struct ProcessJobSpec: Sendable, Hashable {
    static let source = "job_configuration"
    /// What Prefect's workers run when `command` is blank.
    package static let defaultCommand = "prefect flow-run execute"

    package var arguments: [String]
    /// Only the configured `env` (run identity included); the gateway's own environment is added at launch.
    package var configuredEnvironment: [String: String]
    package var workingDirectory: String?

    package static func make(_ job: SubmissionJob) -> Result<ProcessJobSpec, TemplateError> {
        let configuration = job.configuration
        var problems: [TemplateProblem] = []
        func problem(_ key: String, _ message: String) {
            problems.append(TemplateProblem(.providerRequirement, file: source, path: JSONPath.root / key, message))
        }
        let command = configuration.nonEmptyString("command") ?? defaultCommand
        let arguments = CommandWords.split(command) ?? []
        if arguments.isEmpty { problem("command", "process needs a command that splits into words (an unclosed quote or a lone backslash?)") }
        var environment: [String: String] = [:]
        if let env = configuration["env"], !env.isNull {
            if let members = env.objectValue {
                for (name, value) in members {
                    if let text = value.stringValue { environment[name] = text } else if !value.isNull { environment[name] = value.serialized() }
                }
            } else {
                problem("env", "process needs env to be an object of strings")
            }
        }
        var workingDirectory: String?
        if let directory = configuration["working_dir"], !directory.isNull {
            if let text = directory.stringValue, text.hasPrefix("/") {
                workingDirectory = text
            } else if let text = directory.stringValue, !text.isEmpty {
                problem("working_dir", "process needs working_dir to be an absolute path, not '\(text)'")
            }
        }
        guard problems.isEmpty else { return .failure(TemplateError(problems)) }
        return .success(ProcessJobSpec(arguments: arguments, configuredEnvironment: environment, workingDirectory: workingDirectory))
    }

    /// The command's whole environment: the gateway's, then the configured `env` over it (as Prefect's
    /// process worker does with `os.environ`), minus the gateway's own secrets-bearing settings.
    package func environment(gateway: [String: String]) -> [String: String] {
        var merged = gateway.filter { !ProcessEnvironment.gatewayOnly.contains($0.key) }
        merged.merge(configuredEnvironment) { _, configured in configured }
        return merged
    }
}
