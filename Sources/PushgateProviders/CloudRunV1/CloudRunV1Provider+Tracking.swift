import Foundation
import PushgateCore

/// Polling, cancelling and cleaning up (docs/provider-apis.md §8.4–§8.6).
extension CloudRunV1Provider {
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var out: [ProviderHandle: ProviderStatus] = [:]
        for target in targets {
            out[target.handle] = try await status(target)
        }
        return out
    }

    /// One target's status. A handle naming only the job is completed from the job's
    /// `latestCreatedExecution`; a 404 is checked against the job's executions list before the workload is
    /// called gone, and a failed second look is Unconfirmed (docs/design.md "Tracking").
    func status(_ target: PollTarget) async throws -> ProviderStatus {
        var handle = try CloudRunV1Handle.parse(target.handle)
        let region = try region(target.job)
        if handle.execution == nil {
            let purpose = "Cloud Run V1 jobs.get \(handle.job)"
            let response = try await api.send(requests.getJob(project: handle.project, region: region, job: handle.job), purpose: purpose)
            if response.status == 404 {
                return CloudRunStatusMapping.missing(cancelRequested: target.cancelRequested, what: "the job \(handle.job)")
            }
            guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
            guard let execution = latestExecution(try json(response, purpose)) else { return ProviderStatus(.pending) }
            handle.execution = execution
        }
        let execution = handle.execution ?? ""
        let purpose = "Cloud Run V1 executions.get \(execution)"
        let response = try await api.send(requests.getExecution(project: handle.project, region: region, execution: execution), purpose: purpose)
        if (200..<300).contains(response.status) {
            return CloudRunV1StatusMapping.status(execution: try json(response, purpose), cancelRequested: target.cancelRequested)
        }
        guard response.status == 404 else { throw failure(response, purpose) }
        // A 404 is not proof: list the job's executions.
        let listPurpose = "Cloud Run V1 executions.list \(handle.job)"
        guard
            let listed = try? await api.send(requests.listExecutions(project: handle.project, region: region, job: handle.job), purpose: listPurpose),
            (200..<300).contains(listed.status), let list = try? JSONValue.parse(listed.body), list.objectValue != nil
        else {
            return ProviderStatus(.unconfirmed, reason: "\(purpose) answered 404 and \(listPurpose) did not settle it")
        }
        if let found = (list["items"]?.arrayValue ?? []).first(where: { $0["metadata"]?["name"]?.stringValue == execution }) {
            return CloudRunV1StatusMapping.status(execution: found, cancelRequested: target.cancelRequested)
        }
        return CloudRunStatusMapping.missing(cancelRequested: target.cancelRequested, what: "the execution \(execution)")
    }

    /// Deletes the execution (the V1 way to stop it, §8.5); a job whose execution is not known yet is
    /// deleted instead (Prefect's `kill_infrastructure`). 404 means it is already gone.
    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        let handle = try CloudRunV1Handle.parse(handle)
        let region = try region(job)
        let request: HTTPRequest
        let purpose: String
        if let execution = handle.execution {
            request = requests.deleteExecution(project: handle.project, region: region, execution: execution)
            purpose = "Cloud Run V1 executions.delete \(execution)"
        } else {
            request = requests.deleteJob(project: handle.project, region: region, job: handle.job)
            purpose = "Cloud Run V1 jobs.delete \(handle.job)"
        }
        let response = try await api.send(request, purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(response, purpose) }
    }

    /// Deletes the job unless `keep_job` (§8.6); a job already gone is fine.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        if job.configuration["keep_job"]?.boolValue == true { return }
        let handle = try CloudRunV1Handle.parse(handle)
        let purpose = "Cloud Run V1 jobs.delete \(handle.job)"
        let response = try await api.send(requests.deleteJob(project: handle.project, region: try region(job), job: handle.job), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(response, purpose) }
    }

    /// The execution's page in the Cloud console.
    package func consoleURL(_ handle: ProviderHandle, job: SubmissionJob) -> String? {
        guard let handle = try? CloudRunV1Handle.parse(handle), let region = try? region(job) else { return nil }
        guard let execution = handle.execution else {
            return "https://console.cloud.google.com/run/jobs/details/\(region)/\(handle.job)?project=\(handle.project)"
        }
        return "https://console.cloud.google.com/run/jobs/executions/details/\(region)/\(execution)?project=\(handle.project)"
    }
}
