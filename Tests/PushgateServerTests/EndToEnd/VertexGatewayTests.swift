import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// `vertex-ai:push` through `pushgate serve` against the Vertex AI emulator (in a suite of its own,
    /// docs/provider-apis.md §9.6): runs end Completed, Failed and Crashed as their custom jobs did, and with
    /// the gateway SIGKILLed during 200 runs every attempt gets exactly one custom job (the label look-up
    /// of §9.3 adopts a job whose create answer a kill lost: creates take 0.5 s to answer, so kills land
    /// while they are unanswered). The two answer shapes are split between
    /// the tests: job names with the project number, a cancel seen as CANCELLING and one job a list page
    /// in the kill test; names with the project id and a cancel CANCELLED at once in the cancel test.
    @Suite struct VertexGatewayTests {
        static func registrations(
            _ tune: @escaping @Sendable (inout VertexEmulatorConfiguration) -> Void
        ) -> [(kind: ProviderKind, emulator: EmulatorRegistration)] {
            [(.vertexAI, .vertexAI(tuned: tune))]
        }

        static func emulator(_ h: EndToEndHarness) throws -> VertexEmulator {
            try #require(h.suite.emulator(VertexSuiteEmulator.self)).emulator
        }

        @Test func runsEndAsTheirJobsDidThroughKills() async throws {
            let h = try await EndToEndHarness(
                pacing: .timed(pending: 0.2, running: 0.4),
                registrations: Self.registrations {
                    $0.nameProject = .number
                    $0.cancellingReads = 1
                    $0.listPageSize = 1
                    $0.createAnswerDelay = 0.5
                }
            )
            defer { Task { await h.close() } }
            try await h.pool(
                "vertex",
                .vertexAI,
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
            let stats = try Self.emulator(h).statistics
            #expect(stats.jobsCreated == 200, "\(stats.jobsCreated) custom jobs for 200 runs")
            #expect(stats.duplicatedAttempts.isEmpty, "attempts with more than one custom job: \(stats.duplicatedAttempts)")
            let runIDs = Set(stats.createsPerAttempt.keys.map { $0.split(separator: "/").first.map(String.init) ?? "" })
            #expect(runIDs == Set(runs.map(\.id)), "one custom job for every run, none for anything else")
            #expect(stats.invalidRequests == 0 && stats.unauthorized == 0)
            // The kills landed while creates were unanswered (each takes 0.5 s): restarted gateways looked them up.
            #expect(stats.lists > 0, "no label look-up: the kills interrupted no submission")
            // The handles are the names the emulator answered, with the project number.
            let names = Set(try Self.emulator(h).jobNames)
            #expect(runs.allSatisfy { names.contains($0.providerHandle ?? "") }, "every run tracks its job's name")
            #expect(names.allSatisfy { $0.hasPrefix("projects/\(VertexSuiteEmulator.projectNumber)/") })
            #expect(h.gateway?.terminate() == 0)
        }

        /// A run cancelled over the API while it runs ends Cancelled (its job cancelled); a run that never
        /// starts within `--start-timeout` is stopped and ends Crashed with the limit as its reason.
        @Test func cancelOverTheAPI() async throws {
            let h = try await EndToEndHarness(
                pacing: .timed(pending: 0.3, running: 600),
                registrations: Self.registrations {
                    $0.nameProject = .id
                    $0.cancellingReads = 0
                }
            )
            defer { Task { await h.close() } }
            try await h.pool("vertex", .vertexAI, deployments: [("long", nil, ["image": "us-docker.pkg.dev/p/r/long:1"], nil)])
            let id = try #require(try await h.runs("long", count: 1).first)
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                try await h.cancelOnceRunning(id, base: base, http: http)
            }
            #expect(try await h.store.run(id: id).state == .cancelled)
            let stats = try Self.emulator(h).statistics
            #expect(stats.cancels == 1 && stats.jobsCreated == 1, "\(stats)")
            #expect(try Self.emulator(h).jobNames.allSatisfy { $0.hasPrefix("projects/\(CloudRunSuiteEmulator.project)/") })
            #expect(h.gateway?.terminate() == 0)
        }

        @Test func aRunThatNeverStartsEndsCrashedAtTheStartTimeout() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 600, running: 1), registrations: Self.registrations { _ in })
            defer { Task { await h.close() } }
            try await h.pool("vertex", .vertexAI, deployments: [("stuck", nil, ["image": "us-docker.pkg.dev/p/r/stuck:1"], nil)])
            let id = try #require(try await h.runs("stuck", count: 1).first)
            try h.startGateway(extra: ["--start-timeout", "2"])
            #expect(try await h.waitForAllTerminal(timeout: 60))
            let run = try await h.store.run(id: id)
            #expect(run.state == .crashed, "\(run.state) \(run.stateReason)")
            #expect(run.stateReason.contains("start"), "\(run.stateReason)")
            // The gateway stopped the job it gave up on.
            #expect(try Self.emulator(h).statistics.cancels == 1)
            #expect(h.gateway?.terminate() == 0)
        }
    }
}
