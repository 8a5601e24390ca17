import Foundation
import PushgateCore

/// What a `process` submission would start (docs/provider-apis.md §6.4): the command line, working
/// directory and environment, secret values redacted; there are no HTTP requests.
extension ProcessProvider {
    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] { [] }

    package func dryRunSteps(_ job: SubmissionJob) async throws -> [DryRunStep] {
        let spec = try spec(job)
        let directory = attemptsRoot + "/" + job.idempotencyKey
        return [
            .command(
                DryRunStep.CommandPreview(
                    arguments: spec.arguments.map {
                        DryRunRedaction.scrub($0, values: DryRunRedaction.searchable(job.secretValues), percentEncoded: false)
                    },
                    workingDirectory: spec.workingDirectory ?? directory + "/work",
                    environment: ProcessEnvironment.preview(
                        configured: spec.configuredEnvironment,
                        gateway: configuration.environment,
                        secretValues: job.secretValues
                    ),
                    notes: [
                        "started by \(configuration.executablePath) exec-run \(directory) in its own session and process group",
                        "output (stdout and stderr) to \(directory)/output.N.log, \(configuration.logs.segmentBytes) bytes a segment, "
                            + "\(configuration.logs.keptSegments) kept",
                    ]
                )
            )
        ]
    }
}
