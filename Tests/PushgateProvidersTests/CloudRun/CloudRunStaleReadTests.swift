import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// Issue 13: a status read that answers 404 is not proof the workload ended (docs/provider-apis.md §3.4).
/// The provider lists the job's executions before saying so, and reports `.unconfirmed` when it cannot
/// tell, so a running execution never ends its run.
@Suite("Cloud Run v2 status reads that answer 404 for a running execution")
struct CloudRunStaleReadTests {
    typealias Support = CloudRunEndToEndTests

    @Test(
        "executions.get 404 while the execution runs: the listed status, never terminal, then the workload's own end",
        arguments: [
            ("run-ok", JSONValue.object([:]), ProviderStatus.State.completed), ("run-exit", JSONValue.object(["command": "sh -c exit 3"]), .failed),
        ]
    )
    func staleExecutionReads(_ runID: String, _ variables: JSONValue, _ end: ProviderStatus.State) async throws {
        try await Support.withFake(pacing: .perPoll(pending: 1, running: 4), configure: { $0.executionNotFoundReads = 4 }) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job(variables, runID: runID)
            let handle = try await provider.submit(job)
            let statuses = try await provider.pollUntilTerminal(handle, job: job)
            #expect(fake.statistics.staleNotFounds == 4)
            #expect(statuses.dropLast().allSatisfy { $0.state == .pending || $0.state == .running }, "\(statuses)")
            #expect(statuses.contains { $0.state == .running })
            #expect(statuses.last?.state == end, "\(statuses)")
            if end == .failed { #expect(statuses.last?.exitCode == 3) }
            #expect(fake.statistics.calls["executions.list"] ?? 0 >= 4)
        }
    }

    @Test("executions.get 404 and executions.list failing: .unconfirmed naming both, never Crashed; then the real status")
    func listFailureIsUnconfirmed() async throws {
        // The list's first 5 attempts (one status read's retries) answer 503.
        let faults = FaultConfiguration(scripted: (1...5).map { ScriptedFault("executions.list", occurrence: $0, .status(503)) })
        let pacing = WorkloadPacing.perPoll(pending: 0, running: 1_000)
        try await Support.withFake(pacing: pacing, faults: faults, configure: { $0.executionNotFoundReads = 1 }) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            let first = try #require(try await provider.pollUntilTerminal(handle, job: job, limit: 1).first)
            #expect(first.state == .unconfirmed)
            #expect(first.reason?.contains("executions.get") == true && first.reason?.contains("executions.list") == true, "\(first)")
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).first?.state == .running)
        }
    }

    @Test("an old handle whose jobs.get answers 404 while its execution runs is read through the list; the job gone on both is Crashed")
    func staleJobReadsWithOldHandles() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 6), configure: { $0.jobNotFoundReads = 3 }) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            _ = try await provider.submit(job)
            for old in [ProviderHandle(Support.jobID()), ProviderHandle(Support.jobName(Support.jobID()))] {
                let statuses = try await provider.pollUntilTerminal(old, job: job, limit: 2)
                #expect(statuses.allSatisfy { $0.state == .running }, "\(old): \(statuses)")
            }
            #expect(fake.statistics.staleNotFounds == 3)
            #expect(try await provider.pollUntilTerminal(ProviderHandle(Support.jobID()), job: job).last?.state == .completed)

            // Deleted by someone else: 404 on the job and on its list.
            fake.deleteJobExternally(id: Support.jobID())
            let gone = try await provider.pollUntilTerminal(ProviderHandle(Support.jobID()), job: job)
            #expect(gone.map(\.state) == [.crashed])
            #expect(try await provider.pollUntilTerminal(ProviderHandle(Support.jobID()), job: job, cancelRequested: true).last?.state == .cancelled)
        }
    }

    @Test(
        "old-style handles (the job id, the full job name) poll to the workload's end in both reference shapes",
        arguments: [
            CloudRunEmulatorConfiguration.ExecutionReferenceName.shortID, .fullName,
        ]
    )
    func oldHandles(_ reference: CloudRunEmulatorConfiguration.ExecutionReferenceName) async throws {
        try await Support.withFake(configure: { $0.executionReferenceName = reference }) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job(["command": "sh -c exit 3"])
            _ = try await provider.submit(job)
            for old in [ProviderHandle(Support.jobID()), ProviderHandle(Support.jobName(Support.jobID()))] {
                let last = try #require(try await provider.pollUntilTerminal(old, job: job).last)
                #expect(last.state == .failed && last.exitCode == 3, "\(old): \(last)")
            }
            try await provider.cleanUp(ProviderHandle(Support.jobID()), job: job)
            #expect(fake.jobIDs.isEmpty)
        }
    }

    @Test("after the job is deleted, the new handle's execution 404 is confirmed by the job's 404: Crashed, or Cancelled when ours")
    func goneForGood() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1_000)) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            fake.deleteJobExternally(id: Support.jobID())
            let lost = try #require(try await provider.pollUntilTerminal(handle, job: job).last)
            #expect(lost.state == .crashed)
            #expect(lost.reason?.contains("no longer exists") == true)
            #expect(try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true).last?.state == .cancelled)
        }
    }
}
