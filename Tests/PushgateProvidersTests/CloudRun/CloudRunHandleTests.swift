import Foundation
import PushgateCore
import PushgateProviders
import Testing

/// ``CloudRunHandle``: the handle formats, new and old (docs/provider-apis.md §3.3).
@Suite("Cloud Run v2 handles")
struct CloudRunHandleTests {
    static let job = "projects/p/locations/r/jobs/pg-run-1"
    static func location() -> (project: String, region: String) { ("p", "r") }

    @Test("a full execution name gives the job by cutting /executions/…; a job name or a bare job id has no execution")
    func parses() throws {
        let execution = try CloudRunHandle.parse(ProviderHandle("\(Self.job)/executions/pg-run-1-abc12"), location: Self.location)
        #expect(execution == CloudRunHandle(jobName: Self.job, executionName: "\(Self.job)/executions/pg-run-1-abc12"))
        #expect(execution.handle.value == "\(Self.job)/executions/pg-run-1-abc12")
        #expect(try CloudRunHandle.parse(ProviderHandle(Self.job), location: Self.location) == CloudRunHandle(jobName: Self.job))
        #expect(try CloudRunHandle.parse(ProviderHandle("pg-run-1"), location: Self.location) == CloudRunHandle(jobName: Self.job))
        #expect(CloudRunHandle(jobName: Self.job).handle.value == Self.job)
    }

    @Test("other shapes are refused naming the handle", arguments: ["a/b", "projects/p/locations/r/jobs", "\(job)/executions", "\(job)/tasks/x"])
    func refuses(_ value: String) {
        let error = #expect(throws: ProviderError.self) { try CloudRunHandle.parse(ProviderHandle(value), location: Self.location) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("'\(value)'") == true)
    }

    @Test("an ExecutionReference name without '/' is the short id under the job; a full name is kept")
    func executionNames() {
        #expect(CloudRunHandle.executionName("pg-run-1-abc12", jobName: Self.job) == "\(Self.job)/executions/pg-run-1-abc12")
        #expect(CloudRunHandle.executionName("\(Self.job)/executions/x", jobName: Self.job) == "\(Self.job)/executions/x")
    }
}
