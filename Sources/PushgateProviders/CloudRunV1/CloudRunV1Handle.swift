import PushgateCore

/// A `cloud-run:push` run's handle: `namespaces/{project}/jobs/{job}/executions/{execution}`, or
/// `namespaces/{project}/jobs/{job}` while the execution is not yet known (docs/provider-apis.md §8.3).
/// The region is not part of V1 names; it comes from the run's re-rendered configuration.
package struct CloudRunV1Handle: Sendable, Equatable {
    package var project: String
    package var job: String
    package var execution: String?

    package init(project: String, job: String, execution: String?) {
        self.project = project
        self.job = job
        self.execution = execution
    }

    package var handle: ProviderHandle {
        ProviderHandle("namespaces/\(project)/jobs/\(job)" + (execution.map { "/executions/\($0)" } ?? ""))
    }

    /// The parsed handle, or `.invalidConfiguration` for a value that is not one.
    package static func parse(_ handle: ProviderHandle) throws -> CloudRunV1Handle {
        let parts = handle.value.split(separator: "/").map(String.init)
        guard parts.count == 4 || parts.count == 6, parts[0] == "namespaces", parts[2] == "jobs",
            parts.count == 4 || parts[4] == "executions"
        else {
            throw ProviderError(.invalidConfiguration, "cloud-run:push handle '\(handle.value)' is not namespaces/{p}/jobs/{job}[/executions/{e}]")
        }
        return CloudRunV1Handle(project: parts[1], job: parts[3], execution: parts.count == 6 ? parts[5] : nil)
    }
}
