import PushgateCore

extension CloudRunV2Provider {
    /// The execution's page, `https://console.cloud.google.com/run/jobs/executions/details/{region}/{id}?project={p}`;
    /// the job's page for a handle that names no execution.
    package func consoleURL(_ handle: ProviderHandle, job: SubmissionJob) -> String? {
        guard let parsed = try? CloudRunHandle.parse(handle, location: { try location(job) }) else { return nil }
        let jobParts = parsed.jobName.split(separator: "/")
        guard jobParts.count == 6 else { return nil }
        let project = ConsoleURL.component(jobParts[1])
        let region = ConsoleURL.component(jobParts[3])
        guard let execution = parsed.executionName?.split(separator: "/").last else {
            return "https://console.cloud.google.com/run/jobs/details/\(region)/\(ConsoleURL.component(jobParts[5]))?project=\(project)"
        }
        return "https://console.cloud.google.com/run/jobs/executions/details/\(region)/\(ConsoleURL.component(execution))?project=\(project)"
    }
}
