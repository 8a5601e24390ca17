import Foundation
import PushgateCore

/// What a Cloud Run run's ``ProviderHandle`` names (docs/provider-apis.md §3.3): the execution's full
/// resource name `projects/{p}/locations/{r}/jobs/{job}/executions/{id}`, taken from the `jobs.run`
/// operation, so a status read needs no job read and never a guessed name. Runs submitted before carry
/// the job id (Prefect's `infrastructure_pid`) or the job's full name; those are still read, the
/// execution then found through the job.
package struct CloudRunHandle: Sendable, Hashable {
    /// `projects/{p}/locations/{r}/jobs/{job}`.
    package var jobName: String
    /// The full execution name; nil for an old handle (or a submission whose execution was not seen).
    package var executionName: String?

    package init(jobName: String, executionName: String? = nil) {
        self.jobName = jobName
        self.executionName = executionName
    }

    /// The handle to store: the execution's full name when known, else the job's.
    package var handle: ProviderHandle { ProviderHandle(executionName ?? jobName) }

    /// Reads `handle`: a full execution name (the job name is cut at `/executions/`), a full job name, or
    /// a bare job id under `location`'s project and region. Anything else is refused naming the handle.
    package static func parse(_ handle: ProviderHandle, location: () throws -> (project: String, region: String)) throws -> CloudRunHandle {
        let value = handle.value
        guard value.contains("/") else {
            let (project, region) = try location()
            return CloudRunHandle(jobName: "projects/\(project)/locations/\(region)/jobs/\(value)")
        }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let shaped =
            parts.count >= 6 && parts[0] == "projects" && parts[2] == "locations" && parts[4] == "jobs"
            && !parts[1].isEmpty && !parts[3].isEmpty && !parts[5].isEmpty
        guard shaped, parts.count == 6 || (parts.count == 8 && parts[6] == "executions" && !parts[7].isEmpty) else {
            throw ProviderError(
                .invalidConfiguration,
                "Cloud Run handle '\(value)' is neither a job id, a job name nor an execution name (projects/…/jobs/…/executions/…)"
            )
        }
        let jobName = parts[0..<6].joined(separator: "/")
        return CloudRunHandle(jobName: jobName, executionName: parts.count == 8 ? value : nil)
    }

    /// `name` as a full execution name under `jobName`: an `ExecutionReference.name` may be the short
    /// execution id (no `/`), which is not a name to GET (§3.3). A full name is kept as it is; any other
    /// path keeps its last part as the id.
    package static func executionName(_ name: String, jobName: String) -> String {
        if name.hasPrefix("projects/") { return name }
        let id = name.split(separator: "/").last.map(String.init) ?? name
        return "\(jobName)/executions/\(id)"
    }
}
