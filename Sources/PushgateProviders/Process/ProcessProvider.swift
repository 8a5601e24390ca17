import Foundation
import PushgateCore

/// Runs flow runs as local processes on the gateway's host, one supervised command per attempt
/// (docs/provider-apis.md §6). The attempt directory `<data>/process/attempts/<idempotency key>` is the
/// claim (created exclusively), the record (pid, start time, outcome, output) and the handle.
package struct ProcessProvider: Provider {
    package let kind = ProviderKind.process
    package var configuration: ProcessConfiguration
    let client: any ProcessSupervisorClient

    package init(configuration: ProcessConfiguration, client: any ProcessSupervisorClient) {
        self.configuration = configuration
        self.client = client
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        ProcessJobSpec.make(job).problems
    }

    func spec(_ job: SubmissionJob) throws -> ProcessJobSpec {
        switch ProcessJobSpec.make(job) {
        case .success(let spec): return spec
        case .failure(let error): throw ProviderError(.invalidConfiguration, error.description)
        }
    }

    /// One host: the quota is the gateway's own machine.
    package func pacingKey(for job: SubmissionJob) -> PacingKey { PacingKey(kind: kind, account: "local") }

    /// The folder holding every attempt directory.
    var attemptsRoot: String { configuration.dataDirectory + "/process/attempts" }

    /// The attempt directory a handle names; a handle that is not a plain name is refused.
    func directory(_ handle: ProviderHandle) throws -> String {
        let name = handle.value
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw ProviderError(.invalidConfiguration, "process handle '\(name)' is not an attempt directory name")
        }
        return attemptsRoot + "/" + name
    }

    /// The launch spec the supervisor runs: the working directory defaults to the attempt's `work` folder.
    func launchSpec(_ spec: ProcessJobSpec, directory: String) -> ProcessLaunchSpec {
        ProcessLaunchSpec(
            arguments: spec.arguments,
            environment: spec.environment(gateway: configuration.environment),
            workingDirectory: spec.workingDirectory ?? directory + "/work",
            logs: configuration.logs,
            killGrace: configuration.killGrace
        )
    }
}
