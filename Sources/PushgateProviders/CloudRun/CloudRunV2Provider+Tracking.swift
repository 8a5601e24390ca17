import Foundation
import PushgateCore

/// Cancelling and cleaning up (docs/provider-apis.md §3.5, §3.6), and reading handles (§3.3).
extension CloudRunV2Provider {
    /// Cancels the run's execution; an old handle's job is looked into for it, and a job that never ran
    /// is deleted instead (Prefect's kill).
    package func cancel(_ handle: ProviderHandle, job submission: SubmissionJob, reason: String) async throws {
        let handle = try self.handle(handle, job: submission)
        if let executionName = handle.executionName {
            try await cancelExecution(executionName, jobName: handle.jobName)
            return
        }
        guard let job = try await fetchJob(handle.jobName) else { return }
        guard let executionName = try await existingExecution(handle.jobName, job: job, listing: true) else {
            try await deleteJob(handle.jobName, knownExecution: nil)
            return
        }
        try await cancelExecution(executionName, jobName: handle.jobName)
    }

    /// `executions.cancel`. FAILED_PRECONDITION means it already finished: nothing to stop. A 404 is
    /// checked against the job's list: an execution listed unfinished throws `.unavailable`, so the cancel
    /// is sent again rather than dropped while it runs.
    func cancelExecution(_ executionName: String, jobName: String) async throws {
        let purpose = "Cloud Run executions.cancel \(executionName)"
        let response = try await api.send(requests.cancelExecution(executionName), purpose: purpose)
        if (200..<300).contains(response.status) { return }
        if response.status == 400, CloudRunRequests.errorStatus(response) == "FAILED_PRECONDITION" { return }
        guard response.status == 404 else { throw failure(response, purpose) }
        let listed = try await listExecutions(jobName) ?? []
        let running = listed.first {
            CloudRunHandle.executionName($0["name"]?.stringValue ?? "", jobName: jobName) == executionName
                && $0.nonEmptyString("completionTime") == nil
        }
        if running != nil {
            throw ProviderError(
                .unavailable,
                "\(purpose): HTTP 404, yet executions.list shows it unfinished; the cancel must be sent again",
                httpStatus: 404,
                providerCode: CloudRunRequests.errorStatus(response)
            )
        }
    }

    /// Deletes the job and its executions unless `keep_job`; a job already gone is fine. While an
    /// execution still runs the delete is refused: its unfinished executions are cancelled and the
    /// clean-up throws `.unavailable`, to be called again once they have stopped.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        if job.configuration["keep_job"]?.boolValue == true { return }
        let handle = try self.handle(handle, job: job)
        try await deleteJob(handle.jobName, knownExecution: handle.executionName)
    }

    /// The run's handle: the full execution name, or for runs submitted before, the job id or full job
    /// name; project and region for a bare job id come from the run's configuration.
    func handle(_ handle: ProviderHandle, job: SubmissionJob) throws -> CloudRunHandle {
        try CloudRunHandle.parse(handle) { try location(job) }
    }

    /// `jobs.delete`; 404 is success. Refused with 400 FAILED_PRECONDITION while an execution runs (the
    /// API has no `force`, §3.6): cancels every unfinished execution of the job (`knownExecution` at
    /// least, when the list fails) and throws `.unavailable` saying the delete is deferred.
    func deleteJob(_ jobName: String, knownExecution: String?) async throws {
        let purpose = "Cloud Run jobs.delete \(jobName)"
        let response = try await api.send(requests.deleteJob(jobName), purpose: purpose)
        if (200..<300).contains(response.status) || response.status == 404 { return }
        guard response.status == 400, CloudRunRequests.errorStatus(response) == "FAILED_PRECONDITION" else {
            throw failure(response, purpose)
        }
        // Without a list, the handle's own execution is the one known to run.
        var unfinished = knownExecution.map { [$0] } ?? []
        if let listed = try? await listExecutions(jobName) {
            unfinished = listed.filter { $0.nonEmptyString("completionTime") == nil }
                .compactMap { $0["name"]?.stringValue.map { CloudRunHandle.executionName($0, jobName: jobName) } }
        }
        var cancelled = 0
        for executionName in unfinished where (try? await cancelExecution(executionName, jobName: jobName)) != nil {
            cancelled += 1
        }
        let message = CloudRunRequests.errorMessage(response).map { " (\($0))" } ?? ""
        throw ProviderError(
            .unavailable,
            "\(purpose): refused while an execution still runs\(message); cancel sent to \(cancelled) of \(unfinished.count) "
                + "unfinished execution(s), the delete is deferred until they stop",
            httpStatus: 400,
            providerCode: "FAILED_PRECONDITION"
        )
    }
}
