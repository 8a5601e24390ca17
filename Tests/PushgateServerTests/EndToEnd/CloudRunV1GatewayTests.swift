import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// `cloud-run:push` through `pushgate serve` against the V1 emulator (in a suite of its own,
    /// docs/provider-apis.md §8.7): runs end Completed, Failed and Crashed as their executions did, and
    /// with the gateway SIGKILLed during 200 runs every attempt gets exactly one job and one execution.
    @Suite struct CloudRunV1GatewayTests {
        static let registrations: [(kind: ProviderKind, emulator: EmulatorRegistration)] = [
            (.cloudRunV1, .cloudRunV1 { $0.readyAfterReads = 1 })
        ]
        /// As above, with `:run` answering 0.3 s after the execution starts, so kills land between a run
        /// and its answer and a restarted gateway must find the execution rather than run the job again.
        static let slowRuns: [(kind: ProviderKind, emulator: EmulatorRegistration)] = [
            (
                .cloudRunV1,
                .cloudRunV1 {
                    $0.readyAfterReads = 1
                    $0.runAnswerDelay = 0.3
                }
            )
        ]

        @Test func runsEndAsTheirExecutionsDidThroughKills() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 0.4), registrations: Self.slowRuns)
            defer { Task { await h.close() } }
            try await h.pool(
                "v1",
                .cloudRunV1,
                deployments: [
                    ("ok", nil, ["image": "us-docker.pkg.dev/p/r/ok:1"], nil),
                    ("bad", nil, ["image": "us-docker.pkg.dev/p/r/j-fail:1"], nil),
                    ("lost", nil, ["image": "us-docker.pkg.dev/p/r/crash:1"], nil),
                ]
            )
            let good = try await h.runs("ok", count: 180)
            let failing = Set(try await h.runs("bad", count: 10))
            let crashing = Set(try await h.runs("lost", count: 10))

            try await h.startThroughKills(5, seed: 19)
            #expect(try await h.waitForAllTerminal(timeout: 240), "runs still open after the last restart")

            let runs = try await h.store.runs(FlowRunFilter(limit: 1_000))
            #expect(runs.count == good.count + failing.count + crashing.count)
            for run in runs {
                let want: RunState = failing.contains(run.id) ? .failed : crashing.contains(run.id) ? .crashed : .completed
                #expect(run.state == want, "\(run.id): \(run.state) \(run.stateReason)")
            }
            let emulator = try #require(h.suite.emulator(CloudRunV1SuiteEmulator.self)).emulator
            let counts = emulator.counts
            #expect(counts.jobsCreated == 200, "\(counts)")
            #expect(counts.executionsStarted == 200, "one execution per run: \(counts)")
            #expect(emulator.executionsPerJob.count == 200 && emulator.executionsPerJob.values.allSatisfy { $0 == 1 })
            // Every job is deleted once its run has ended.
            let deadline = Date().addingTimeInterval(60)
            while emulator.counts.jobsHeld > 0 && Date() < deadline { try await Task.sleep(nanoseconds: 200_000_000) }
            #expect(emulator.counts.jobsHeld == 0)
            #expect(h.gateway?.terminate() == 0)
        }

        /// A run cancelled over the API while it runs ends Cancelled (its execution deleted); a run that
        /// never starts within `--start-timeout` is stopped and ends Crashed with the limit as its reason.
        @Test func cancelOverTheAPIAndTheStartTimeout() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.3, running: 600), registrations: Self.registrations)
            defer { Task { await h.close() } }
            try await h.pool("v1", .cloudRunV1, deployments: [("long", nil, ["image": "us-docker.pkg.dev/p/r/long:1"], nil)])
            let id = try #require(try await h.runs("long", count: 1).first)
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                try await h.cancelOnceRunning(id, base: base, http: http)
            }
            #expect(try await h.store.run(id: id).state == .cancelled)
            let emulator = try #require(h.suite.emulator(CloudRunV1SuiteEmulator.self)).emulator
            #expect(emulator.counts.executionsDeleted == 1)
            #expect(h.gateway?.terminate() == 0)
        }

        @Test func aRunThatNeverStartsEndsCrashedAtTheStartTimeout() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 600, running: 1), registrations: Self.registrations)
            defer { Task { await h.close() } }
            try await h.pool("v1", .cloudRunV1, deployments: [("stuck", nil, ["image": "us-docker.pkg.dev/p/r/stuck:1"], nil)])
            let id = try #require(try await h.runs("stuck", count: 1).first)
            try h.startGateway(extra: ["--start-timeout", "2"])
            #expect(try await h.waitForAllTerminal(timeout: 60))
            let run = try await h.store.run(id: id)
            #expect(run.state == .crashed, "\(run.state) \(run.stateReason)")
            #expect(run.stateReason.contains("start"), "\(run.stateReason)")
            #expect(h.gateway?.terminate() == 0)
        }
    }
}
