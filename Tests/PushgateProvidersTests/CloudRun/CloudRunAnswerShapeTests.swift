import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// Issue 13: the provider against every answer shape the Cloud Run v2 API allows (docs/provider-apis.md
/// §3.3, §3.9), not only the emulator's kindest: short or full `latestCreatedExecution.name`, operations
/// done in the first answer or only after polls, `jobs.run` with or without the Execution as metadata.
@Suite("Cloud Run v2 in every answer shape the API allows")
struct CloudRunAnswerShapeTests {
    /// One combination of answer shapes.
    struct Shape: Sendable, CustomTestStringConvertible {
        var reference: CloudRunEmulatorConfiguration.ExecutionReferenceName
        /// Operations (create and run) are `done` in their first answer, else after 2 `operations.get`.
        var doneAtOnce: Bool
        var runMetadata: Bool

        var testDescription: String {
            "\(reference.rawValue), \(doneAtOnce ? "done at once" : "done after 2 polls"), \(runMetadata ? "run metadata" : "no run metadata")"
        }

        func apply(_ configuration: inout CloudRunEmulatorConfiguration) {
            configuration.executionReferenceName = reference
            configuration.operationPolls = doneAtOnce ? 0 : 2
            configuration.runOperationPolls = doneAtOnce ? 0 : 2
            configuration.runOperationMetadata = runMetadata
        }

        static let all: [Shape] = [.shortID, .fullName].flatMap { reference in
            [true, false].flatMap { done in [true, false].map { Shape(reference: reference, doneAtOnce: done, runMetadata: $0) } }
        }
    }

    @Test("every run ends as its workload did; the handle is the execution's full name; clean-up leaves no job", arguments: Shape.all)
    func endsAsTheWorkload(_ shape: Shape) async throws {
        try await CloudRunEndToEndTests.withFake(configure: shape.apply) { fake, http in
            let provider = try CloudRunEndToEndTests.provider(fake, http)
            let cases: [(runID: String, variables: JSONValue, state: ProviderStatus.State, exitCode: Int?)] = [
                ("run-ok", [:], .completed, 0),
                ("run-exit", ["command": "sh -c exit 3"], .failed, 3),
                ("run-lost", ["image": "repo/crash:1"], .crashed, nil),
            ]
            for item in cases {
                let job = try CloudRunEndToEndTests.job(item.variables, runID: item.runID)
                let handle = try await provider.submit(job)
                let jobName = CloudRunEndToEndTests.jobName(CloudRunEndToEndTests.jobID(runID: item.runID))
                #expect(handle.value.hasPrefix(jobName + "/executions/"), "\(handle)")
                #expect(try await provider.lookUp(job) == handle)
                let statuses = try await provider.pollUntilTerminal(handle, job: job)
                #expect(statuses.dropLast().allSatisfy { !$0.state.isTerminal })
                #expect(statuses.last?.state == item.state, "\(item.runID): \(statuses)")
                if let code = item.exitCode { #expect(statuses.last?.exitCode == code) }
                try await provider.cleanUp(handle, job: job)
            }
            let stats = fake.statistics
            #expect(fake.jobIDs.isEmpty)
            #expect(stats.workloads == 3 && stats.jobsDeleted == 3 && stats.deletesRefused == 0)
            #expect(stats.peakConcurrentExecutions == 1 && stats.concurrentExecutions == 0)
            #expect(stats.invalidRequests == 0)
        }
    }

    @Test(
        "lookUp after a submission returns the execution's full name, in both reference shapes",
        arguments: [
            CloudRunEmulatorConfiguration.ExecutionReferenceName.shortID, .fullName,
        ]
    )
    func lookUpReturnsTheExecution(_ reference: CloudRunEmulatorConfiguration.ExecutionReferenceName) async throws {
        try await CloudRunEndToEndTests.withFake(configure: { $0.executionReferenceName = reference }) { fake, http in
            let job = try CloudRunEndToEndTests.job()
            let handle = try await CloudRunEndToEndTests.provider(fake, http).submit(job)
            // A gateway restarted after a crash knows only the idempotency key.
            let restarted = try CloudRunEndToEndTests.provider(fake, http)
            let found = try #require(try await restarted.lookUp(job))
            #expect(found == handle)
            #expect(found.value.hasPrefix(CloudRunEndToEndTests.jobName(CloudRunEndToEndTests.jobID()) + "/executions/pg-"))
        }
    }

    @Test("a run whose operation names no execution and whose list is empty at first is still found: the handle falls back to the job")
    func operationWithoutMetadataAndAListFailure() async throws {
        let faults = FaultConfiguration(scripted: (1...5).map { ScriptedFault("executions.list", occurrence: $0, .status(503)) })
        try await CloudRunEndToEndTests.withFake(faults: faults, configure: { $0.runOperationMetadata = false }) { fake, http in
            let provider = try CloudRunEndToEndTests.provider(fake, http)
            let job = try CloudRunEndToEndTests.job()
            let handle = try await provider.submit(job)
            // The execution could not be seen, so the handle is the job's full name, an old-style handle.
            #expect(handle.value == CloudRunEndToEndTests.jobName(CloudRunEndToEndTests.jobID()))
            #expect(try await provider.pollUntilTerminal(handle, job: job).last?.state == .completed)
            try await provider.cleanUp(handle, job: job)
            #expect(fake.jobIDs.isEmpty && fake.statistics.workloads == 1)
        }
    }
}
