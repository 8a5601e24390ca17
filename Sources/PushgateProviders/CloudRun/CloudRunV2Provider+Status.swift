import Foundation
import PushgateCore

/// Status reads (docs/provider-apis.md §3.4): a 404 is never taken as the workload's end until a second
/// look, listing the job's executions, agrees; what cannot be settled is `.unconfirmed`, so the run
/// keeps its slot while its execution may still run.
extension CloudRunV2Provider {
    /// Each target costs `GET execution` (plus `GET job` for an old handle naming only the job), plus
    /// `tasks.list` for a failed one's exit code, plus `executions.list` after a 404. A target whose calls
    /// fail is left out; if all fail, the first error is thrown.
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
        let handle = try self.handle(target.handle, job: target.job)
        let jobName = handle.jobName
        guard let executionName = handle.executionName else { return try await statusThroughJob(jobName, target: target) }
        return try await status(ofExecution: executionName, jobName: jobName, handleNamesIt: true, target: target)
    }

    /// An old handle names only the job: its `latestCreatedExecution` (the short id completed), else the
    /// newest listed execution.
    private func statusThroughJob(_ jobName: String, target: PollTarget) async throws -> ProviderStatus {
        guard let job = try await fetchJob(jobName) else {
            return await statusFromListing(jobName, execution: nil, target: target, seen: "jobs.get \(jobName) answered 404")
        }
        if let executionName = latestExecution(job, jobName: jobName) {
            return try await status(ofExecution: executionName, jobName: jobName, handleNamesIt: false, target: target)
        }
        if let notReady = CloudRunStatusMapping.jobNotReady(job) { return notReady }
        // No reference yet: a listed execution is still ours; none (or a failed list) is not yet started.
        if let newest = (try? await listExecutions(jobName))?.first {
            return await mapped(newest, name: CloudRunHandle.executionName(newest["name"]?.stringValue ?? "", jobName: jobName), target: target)
        }
        return ProviderStatus(.pending)
    }

    /// `GET execution`; a 404 is checked against the job's execution list. `handleNamesIt` is false when
    /// the name came from the job's reference rather than the handle, so any listed execution is ours.
    private func status(
        ofExecution executionName: String,
        jobName: String,
        handleNamesIt: Bool,
        target: PollTarget
    ) async throws
        -> ProviderStatus
    {
        let purpose = "Cloud Run executions.get \(executionName)"
        let response = try await api.send(requests.get(executionName), purpose: purpose)
        if response.status == 404 {
            return await statusFromListing(
                jobName,
                execution: handleNamesIt ? executionName : nil,
                target: target,
                seen: "executions.get \(executionName) answered 404"
            )
        }
        guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
        return await mapped(try json(response, purpose), name: executionName, target: target)
    }

    /// The second look after a 404 (`seen`): the listed execution's own status; gone only when the list
    /// succeeded without it, or the job is 404 on both its read and its list; `.unconfirmed` otherwise.
    /// `execution` nil takes the job's newest listed execution as the run's.
    private func statusFromListing(_ jobName: String, execution: String?, target: PollTarget, seen: String) async -> ProviderStatus {
        let listed: [JSONValue]?
        do {
            listed = try await listExecutions(jobName)
        } catch {
            return ProviderStatus(.unconfirmed, reason: "\(seen), and executions.list could not settle it: \(error)")
        }
        guard let listed else {
            // The list says the job is gone. After a job 404 that is the second 404; after an execution
            // 404 the job is read to make it so.
            if execution == nil {
                return CloudRunStatusMapping.missing(
                    cancelRequested: target.cancelRequested,
                    what: "the job",
                    detail: "\(seen) and so did executions.list"
                )
            }
            do {
                guard try await fetchJob(jobName) == nil else {
                    return ProviderStatus(.unconfirmed, reason: "\(seen), and executions.list answered 404 although jobs.get finds the job")
                }
                return CloudRunStatusMapping.missing(
                    cancelRequested: target.cancelRequested,
                    what: "the execution",
                    detail: "\(seen); the job and its executions list answer 404 too"
                )
            } catch {
                return ProviderStatus(.unconfirmed, reason: "\(seen), executions.list answered 404 and jobs.get failed: \(error)")
            }
        }
        let found: JSONValue?
        if let execution {
            found = listed.first { CloudRunHandle.executionName($0["name"]?.stringValue ?? "", jobName: jobName) == execution }
        } else {
            found = listed.first
        }
        guard let found else {
            return CloudRunStatusMapping.missing(
                cancelRequested: target.cancelRequested,
                what: execution == nil ? "the job's execution" : "the execution",
                detail: "\(seen) and executions.list does not list it"
            )
        }
        let name = CloudRunHandle.executionName(found["name"]?.stringValue ?? "", jobName: jobName)
        return await mapped(found, name: name, target: target)
    }

    /// The mapped status of an Execution, with the first task's exit code for a failed one.
    private func mapped(_ execution: JSONValue, name: String, target: PollTarget) async -> ProviderStatus {
        var status = CloudRunStatusMapping.status(execution: execution, cancelRequested: target.cancelRequested)
        if status.state == .failed || status.state == .crashed, let code = try? await exitCode(name) {
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
}
