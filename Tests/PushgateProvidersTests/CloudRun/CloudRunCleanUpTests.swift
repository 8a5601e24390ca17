import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// Issue 13: `jobs.delete` is refused with 400 FAILED_PRECONDITION while an execution runs
/// (docs/provider-apis.md §3.6). Clean-up then cancels the job's unfinished executions and throws a
/// retryable error; called again once they have stopped, it deletes the job.
@Suite("Cloud Run v2 clean-up of a job whose execution still runs")
struct CloudRunCleanUpTests {
    typealias Support = CloudRunEndToEndTests

    /// Calls `cleanUp` until it succeeds (at most `limit` times) and returns the errors it threw before.
    static func cleanUpUntilDone(
        _ provider: CloudRunV2Provider,
        _ handle: ProviderHandle,
        job: SubmissionJob,
        limit: Int = 6
    ) async throws -> [ProviderError] {
        var errors: [ProviderError] = []
        for _ in 0..<limit {
            do {
                try await provider.cleanUp(handle, job: job)
                return errors
            } catch let error as ProviderError {
                errors.append(error)
            }
        }
        Issue.record("clean-up still refused after \(limit) calls: \(errors.last.map { "\($0)" } ?? "")")
        return errors
    }

    @Test(
        "refused while running: the execution is cancelled, the error is retryable, a retried clean-up deletes the job",
        arguments: [
            "execution name", "job id",
        ]
    )
    func deferredUntilStopped(_ handleKind: String) async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1_000)) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let submitted = try await provider.submit(job)
            let handle = handleKind == "job id" ? ProviderHandle(Support.jobID()) : submitted
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .running)

            let errors = try await Self.cleanUpUntilDone(provider, handle, job: job)
            let first = try #require(errors.first)
            #expect(first.code == .unavailable && first.isRetryable)
            #expect(first.httpStatus == 400 && first.providerCode == "FAILED_PRECONDITION")
            #expect(first.message.contains("jobs.delete") && first.message.contains("deferred"), "\(first)")
            let stats = fake.statistics
            #expect(stats.cancels == 1)
            #expect(stats.deletesRefused == errors.count && stats.jobsDeleted == 1)
            #expect(fake.jobIDs.isEmpty && fake.unfinishedExecutionNames.isEmpty)
            #expect(stats.concurrentExecutions == 0)
        }
    }

    @Test("every unfinished execution of the job is cancelled, across executions.list pages")
    func cancelsEveryUnfinishedExecution() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1_000), configure: { $0.executionListPageSize = 1 }) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            // Someone runs the job a second time.
            let run = try await Support.raw(fake, http, "POST", Support.jobName(Support.jobID()) + ":run", body: "{}")
            #expect(run.status == 200)
            #expect(fake.statistics.peakConcurrentExecutions == 2)

            let errors = try await Self.cleanUpUntilDone(provider, handle, job: job)
            #expect(!errors.isEmpty)
            #expect(fake.statistics.cancels == 2)
            #expect(fake.jobIDs.isEmpty && fake.unfinishedExecutionNames.isEmpty)
        }
    }

    @Test("a job already gone is success; keep_job deletes nothing")
    func goneAndKept() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1_000)) { fake, http in
            let provider = try Support.provider(fake, http)
            let kept = BearerProviderTestSupport.setting("keep_job", to: true, in: try Support.job(runID: "run-kept"))
            let keptHandle = try await provider.submit(kept)
            try await provider.cleanUp(keptHandle, job: kept)
            #expect(fake.jobIDs == [Support.jobID(runID: "run-kept")])

            let job = try Support.job()
            let handle = try await provider.submit(job)
            fake.deleteJobExternally(id: Support.jobID())
            try await provider.cleanUp(handle, job: job)
            #expect(fake.statistics.deletesRefused == 0)
        }
    }
}
