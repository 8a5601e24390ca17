import Foundation
import PushgateCore

extension CloudRunV2Provider {
    /// Cloud Run keeps a job's output in Cloud Logging, which pushgate does not read: the answer is the
    /// execution's `logUri` (docs/provider-apis.md §3.4), the link to it in the console, read from the
    /// execution the handle names (or the job's latest one for an old handle). Empty before there is one.
    package func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk? {
        let parsed = try CloudRunHandle.parse(handle) { try location(job) }
        var name = parsed.executionName
        if name == nil {
            let purpose = "Cloud Run jobs.get \(parsed.jobName)"
            let response = try await api.send(requests.get(parsed.jobName), purpose: purpose)
            guard response.status != 404 else { return ProviderLogChunk(text: "", start: 0, next: 0, finished: false) }
            guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
            name = latestExecution(try json(response, purpose), jobName: parsed.jobName)
        }
        guard let name else { return ProviderLogChunk(text: "", start: 0, next: 0, finished: false) }
        let purpose = "Cloud Run executions.get \(name)"
        let response = try await api.send(requests.get(name), purpose: purpose)
        guard response.status != 404 else { return ProviderLogChunk(text: "", start: 0, next: 0, finished: false) }
        guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
        guard let uri = try json(response, purpose)["logUri"]?.stringValue, !uri.isEmpty else {
            return ProviderLogChunk(text: "", start: 0, next: 0, finished: false)
        }
        let text = "Cloud Run keeps this run's output in Cloud Logging: \(uri)\n"
        // Offsets count this one line: a follower that read it gets nothing more, and is done.
        let count = text.utf8.count
        if let offset = query.offset, offset >= count { return ProviderLogChunk(text: "", start: count, next: count, finished: true) }
        return ProviderLogChunk(text: text, start: 0, next: count, finished: true)
    }
}
