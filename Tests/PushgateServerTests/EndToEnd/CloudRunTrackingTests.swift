import Foundation
import PushgateCore
import PushgateEmulators
import PushgateProviders
import PushgateRegistry
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Issue 13 through `pushgate serve`: Cloud Run runs end as their executions did, whichever answer
    /// shape the API gives (docs/provider-apis.md §3.3), with stale 404s while executions run, the
    /// gateway SIGKILLed meanwhile, and never more executions at once than the pool allows.
    @Suite struct CloudRunTrackingTests {
        /// Two shapes the real API allows: a short `latestCreatedExecution.name` with the execution in the
        /// `jobs.run` operation's metadata and operations done in their first answer; or a full name, an
        /// operation without metadata, and operations done only after two reads.
        enum Shape: String, CaseIterable, Sendable, CustomTestStringConvertible {
            case shortNameOperationsDoneAtOnce
            case fullNameOperationsDoneLater

            var testDescription: String { rawValue }

            func tune(_ configuration: inout CloudRunEmulatorConfiguration) {
                switch self {
                case .shortNameOperationsDoneAtOnce:
                    configuration.executionReferenceName = .shortID
                    configuration.runOperationMetadata = true
                    configuration.runOperationPolls = 0
                    configuration.operationPolls = 0
                case .fullNameOperationsDoneLater:
                    configuration.executionReferenceName = .fullName
                    configuration.runOperationMetadata = false
                    configuration.runOperationPolls = 2
                    configuration.operationPolls = 2
                }
                // Every execution and every job reads 404 twice while it exists.
                configuration.executionNotFoundReads = 2
                configuration.jobNotFoundReads = 2
            }
        }

        /// The registry's emulators with Cloud Run tuned by `tune`.
        static func registrations(
            _ tune: @escaping @Sendable (inout CloudRunEmulatorConfiguration) -> Void
        ) -> [(kind: ProviderKind, emulator: EmulatorRegistration)] {
            ProviderRegistry.emulators.map { entry in
                entry.kind == .cloudRunV2 ? (entry.kind, .cloudRunV2(tuned: tune)) : entry
            }
        }

        @Test(arguments: Shape.allCases)
        func everyRunEndsAsItsExecutionDidThroughKills(_ shape: Shape) async throws {
            let h = try await EndToEndHarness(
                pacing: .timed(pending: 0.2, running: 0.8),
                registrations: Self.registrations { shape.tune(&$0) }
            )
            defer { Task { await h.close() } }
            try await h.pool(
                "cr",
                .cloudRunV2,
                limit: 5,
                deployments: [
                    ("ok", nil, ["image": "us-docker.pkg.dev/p/r/ok:1"], nil),
                    ("bad", nil, ["image": "us-docker.pkg.dev/p/r/j-fail:1"], nil),
                ]
            )
            let good = try await h.runs("ok", count: 30)
            let failing = try await h.runs("bad", count: 10)

            var generator = SplitMix64(seed: 13)
            for _ in 0..<4 {
                try h.startGateway()
                try await Task.sleep(nanoseconds: UInt64.random(in: 700_000_000...2_000_000_000, using: &generator))
                h.gateway?.kill()
            }
            try h.startGateway()
            #expect(try await h.waitForAllTerminal(timeout: 180), "runs still open after the last restart")

            let runs = try await h.store.runs(FlowRunFilter(limit: 100))
            #expect(runs.count == good.count + failing.count)
            let failed = Set(failing)
            for run in runs {
                #expect(run.state == (failed.contains(run.id) ? .failed : .completed), "\(run.id): \(run.state) \(run.stateReason)")
            }
            let statistics = h.suite.cloudRun.statistics
            #expect(statistics.jobsCreated == runs.count, "\(statistics)")
            #expect(statistics.workloads == runs.count, "one execution per run: \(statistics)")
            #expect(statistics.peakConcurrentExecutions <= 5, "the pool's limit of 5, as the provider saw it: \(statistics)")
            #expect(statistics.staleNotFounds > 0, "the stale 404s were exercised")
            // Every job is deleted once its run has ended; none is left at the provider, and no clean-up is
            // left in the store (it is recorded done after the provider's answer, and a delete a kill cut
            // short is retried later, so both are waited for).
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let cleanupsLeft = try await h.store.pendingCleanups(dueBy: Date.distantFuture, limit: 10)
                if h.suite.cloudRun.jobIDs.isEmpty && cleanupsLeft.isEmpty { break }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            #expect(h.suite.cloudRun.jobIDs.isEmpty, "jobs left: \(h.suite.cloudRun.jobIDs.prefix(3))")
            #expect(try await h.store.pendingCleanups(dueBy: Date.distantFuture, limit: 10).isEmpty)
            #expect(h.gateway?.terminate() == 0)
        }

        /// A second execution someone started from the console keeps the job from being deleted: the
        /// gateway cancels it and deletes the job on a later try, leaving nothing at the provider.
        @Test func aRefusedCleanupCancelsTheExecutionAndIsRetried() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 1.5))
            defer { Task { await h.close() } }
            try await h.pool("cr", .cloudRunV2, deployments: [("job", nil, ["image": "us-docker.pkg.dev/p/r/j:1"], nil)])
            let id = try #require(try await h.runs("job", count: 1).first)
            try h.startGateway()
            var run = try await h.store.run(id: id)
            let deadline = Date().addingTimeInterval(30)
            while run.state != .running && Date() < deadline {
                try await Task.sleep(nanoseconds: 50_000_000)
                run = try await h.store.run(id: id)
            }
            #expect(run.state == .running)
            let jobID = try #require(h.suite.cloudRun.jobIDs.first)
            let second = try #require(h.suite.cloudRun.runJobExternally(id: jobID), "the job could not be run again")

            #expect(try await h.waitForAllTerminal(timeout: 60))
            #expect(try await h.store.run(id: id).state == .completed, "the run ends as its own execution did")
            let cleanupDeadline = Date().addingTimeInterval(60)
            while !h.suite.cloudRun.jobIDs.isEmpty && Date() < cleanupDeadline { try await Task.sleep(nanoseconds: 200_000_000) }
            let statistics = h.suite.cloudRun.statistics
            #expect(statistics.deletesRefused >= 1, "\(statistics)")
            #expect(statistics.cancels >= 1, "the console's execution \(second) was cancelled: \(statistics)")
            #expect(h.suite.cloudRun.jobIDs.isEmpty && h.suite.cloudRun.unfinishedExecutionNames.isEmpty)
            #expect(try await h.store.pendingCleanups(dueBy: Date.distantFuture, limit: 10).isEmpty)
            #expect(h.allLogs.contains("jobs.delete"), "the deferred clean-up is logged")
            #expect(h.gateway?.terminate() == 0)
        }
    }
}
