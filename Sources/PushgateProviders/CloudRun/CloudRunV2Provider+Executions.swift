import Foundation
import PushgateCore

/// Finding a job's executions by full name (docs/provider-apis.md §3.3, §3.4): from the `jobs.run`
/// operation, from `Job.latestCreatedExecution` (whose name may be the short id), or by listing them.
extension CloudRunV2Provider {
    /// Pages `executions.list` follows before giving up: one execution per job is the rule, so more means
    /// something else is wrong.
    static let maxExecutionPages = 20

    /// Every execution of the job, newest first, following `nextPageToken`; nil when the list answers
    /// 404 (no such job). Throws when a page fails or its answer is not an executions list, because a
    /// partial list proves nothing.
    func listExecutions(_ jobName: String) async throws -> [JSONValue]? {
        let purpose = "Cloud Run executions.list \(jobName)"
        var executions: [JSONValue] = []
        var token: String?
        for _ in 0..<Self.maxExecutionPages {
            let response = try await api.send(requests.listExecutions(jobName, pageToken: token), purpose: purpose)
            if response.status == 404 { return nil }
            guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
            let page = try json(response, purpose)
            // proto3 JSON omits an empty list: `{}` is a page with no executions.
            guard page.objectValue != nil, page["executions"] == nil || page["executions"]?.arrayValue != nil else {
                throw ProviderError(.unavailable, "\(purpose): the answer is not an executions list", httpStatus: response.status)
            }
            let items = page["executions"]?.arrayValue ?? []
            guard items.allSatisfy({ $0.nonEmptyString("name") != nil }) else {
                throw ProviderError(.unavailable, "\(purpose): a listed execution has no name", httpStatus: response.status)
            }
            executions += items
            guard let next = page.nonEmptyString("nextPageToken") else { return executions }
            guard next != token else { throw ProviderError(.unavailable, "\(purpose): the same nextPageToken twice") }
            token = next
        }
        throw ProviderError(.unavailable, "\(purpose): more than \(Self.maxExecutionPages) pages of executions")
    }

    /// The full name of `job`'s latest execution from `latestCreatedExecution`, the short id completed.
    func latestExecution(_ job: JSONValue, jobName: String) -> String? {
        job.member(at: "latestCreatedExecution")?.nonEmptyString("name").map { CloudRunHandle.executionName($0, jobName: jobName) }
    }

    /// The execution the job already has, by full name: `latestCreatedExecution` when set, otherwise
    /// (when `listing`) the newest listed one. nil means the job has none; a failed list throws, so the
    /// caller never runs the job again on a guess.
    func existingExecution(_ jobName: String, job: JSONValue, listing: Bool) async throws -> String? {
        if let latest = latestExecution(job, jobName: jobName) { return latest }
        guard listing, let newest = try await listExecutions(jobName)?.first?.nonEmptyString("name") else { return nil }
        return CloudRunHandle.executionName(newest, jobName: jobName)
    }

    /// The execution a `jobs.run` answer names: its `metadata` (an Execution, as Prefect's worker reads
    /// it) or, once done, its `response`; nil when it names none under `jobName`.
    func executionName(runOperation operation: JSONValue, jobName: String) -> String? {
        for part in ["metadata", "response"] {
            guard let name = operation[part]?.nonEmptyString("name") else { continue }
            let full = CloudRunHandle.executionName(name, jobName: jobName)
            if full.hasPrefix("\(jobName)/executions/") { return full }
        }
        return nil
    }
}
