import Foundation
import PushgateCore

/// Polling, cancelling and cleaning up by job name (docs/provider-apis.md §3.4–§3.6).
extension CloudRunV2Provider {
    /// Each target costs `GET job` (for `latestCreatedExecution`) and `GET execution`, plus `tasks.list`
    /// for a failed one's exit code. A target whose calls fail is left out; if all fail, the first error
    /// is thrown.
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var out: [ProviderHandle: ProviderStatus] = [:]
        var firstError: (any Error)?
        for target in targets {
            do {
                out[target.handle] = try await status(of: target)
            } catch {
                firstError = firstError ?? error
            }
        }
        if out.isEmpty, let firstError { throw firstError }
        return out
    }

    func status(of target: PollTarget) async throws -> ProviderStatus {
        let jobName = try self.jobName(target.handle, job: target.job)
        guard let job = try await fetchJob(jobName) else {
            return CloudRunStatusMapping.missing(cancelRequested: target.cancelRequested, what: "the job")
        }
        guard let executionName = latestExecution(job) else {
            return CloudRunStatusMapping.jobNotReady(job) ?? ProviderStatus(.pending)
        }
        let purpose = "Cloud Run executions.get \(executionName)"
        let response = try await api.send(requests.get(executionName), purpose: purpose)
        if response.status == 404 {
            return CloudRunStatusMapping.missing(cancelRequested: target.cancelRequested, what: "the execution")
        }
        guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
        let execution = try json(response, purpose)
        var status = CloudRunStatusMapping.status(execution: execution, cancelRequested: target.cancelRequested)
        if status.state == .failed || status.state == .crashed, let code = try? await exitCode(executionName) {
            status = CloudRunStatusMapping.status(execution: execution, cancelRequested: target.cancelRequested, exitCode: code)
        }
        return status
    }

    /// The first task's `lastAttemptResult.exitCode`.
    func exitCode(_ executionName: String) async throws -> Int? {
        let purpose = "Cloud Run tasks.list \(executionName)"
        let response = try await api.send(requests.listTasks(executionName), purpose: purpose)
        guard (200..<300).contains(response.status) else { return nil }
        let tasks = try json(response, purpose)["tasks"]?.arrayValue ?? []
        return tasks.lazy.compactMap { $0["lastAttemptResult"]?.protoInteger("exitCode") }.first
    }

    /// Cancels the latest execution; a job that never ran is deleted instead (Prefect's kill).
    package func cancel(_ handle: ProviderHandle, job submission: SubmissionJob, reason: String) async throws {
        let jobName = try self.jobName(handle, job: submission)
        guard let job = try await fetchJob(jobName) else { return }
        guard let executionName = latestExecution(job) else {
            try await deleteJob(jobName)
            return
        }
        let purpose = "Cloud Run executions.cancel \(executionName)"
        let response = try await api.send(requests.cancelExecution(executionName), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else {
            // Cancelling a finished execution is refused (FAILED_PRECONDITION): nothing to stop.
            if response.status == 400, CloudRunRequests.errorStatus(response) == "FAILED_PRECONDITION" { return }
            throw failure(response, purpose)
        }
    }

    /// Deletes the job and its executions unless `keep_job`; a job already gone is fine.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        if job.configuration["keep_job"]?.boolValue == true { return }
        try await deleteJob(try jobName(handle, job: job))
    }

    /// The job's resource name: the handle is the job id (Prefect's `infrastructure_pid`); project and
    /// region come from the run's configuration. A full resource name is accepted as is.
    func jobName(_ handle: ProviderHandle, job: SubmissionJob) throws -> String {
        if handle.value.hasPrefix("projects/") { return handle.value }
        let (project, region) = try location(job)
        return "projects/\(project)/locations/\(region)/jobs/\(handle.value)"
    }

    func deleteJob(_ jobName: String) async throws {
        let purpose = "Cloud Run jobs.delete \(jobName)"
        let response = try await api.send(requests.deleteJob(jobName), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(response, purpose) }
    }
}
