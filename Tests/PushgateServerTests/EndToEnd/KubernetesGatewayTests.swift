import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// `kubernetes` pools through `pushgate serve` against the kube-apiserver fake (docs/provider-apis.md §10):
    /// runs end Completed, Failed and Crashed (image pull) as their Jobs did, a cancel over the API deletes the
    /// Job and its pods, and with the gateway SIGKILLed 10 times during 300 runs over two namespaces every
    /// attempt gets exactly one Job (the fake counts creates per name; a 409 is none).
    @Suite struct KubernetesGatewayTests {
        static let registrations: [(kind: ProviderKind, emulator: EmulatorRegistration)] = [(.kubernetes, .kubernetes)]

        /// `pg-<run id>-<attempt>` of a created `namespace/name`.
        static func runID(_ key: String) -> String? {
            guard let slash = key.firstIndex(of: "/") else { return nil }
            let name = key[key.index(after: slash)...]
            guard name.hasPrefix("pg-"), let dash = name.lastIndex(of: "-") else { return nil }
            return String(name[name.index(name.startIndex, offsetBy: 3)..<dash])
        }

        @Test func runsEndAsTheirJobsDidThroughKillsOverTwoNamespaces() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.3, running: 0.8), registrations: Self.registrations)
            defer { Task { await h.close() } }
            // A limit of 30 runs at once spreads the 300 over the kills.
            try await h.pool(
                "k8s",
                .kubernetes,
                limit: 30,
                deployments: [
                    ("a", nil, ["namespace": "team-a"], nil),
                    ("b", nil, ["namespace": "team-b"], nil),
                    ("bad", nil, ["namespace": "team-b", "image": "registry.example/flows/fail:1"], nil),
                    ("pull", nil, ["namespace": "team-a", "image": "registry.example/flows/imagepull:404"], nil),
                ]
            )
            let inA = Set(try await h.runs("a", count: 140))
            let inB = Set(try await h.runs("b", count: 140))
            let failing = Set(try await h.runs("bad", count: 10))
            let pulling = Set(try await h.runs("pull", count: 10))

            var generator = SplitMix64(seed: 18)
            var killsWithOpenRuns = 0
            for _ in 0..<10 {
                try h.startGateway()
                try await Task.sleep(nanoseconds: UInt64.random(in: 300_000_000...1_000_000_000, using: &generator))
                let open = try await h.store.runs(FlowRunFilter(states: RunState.allCases.filter { !$0.isTerminal }, limit: 1))
                if !open.isEmpty { killsWithOpenRuns += 1 }
                h.gateway?.kill()
            }
            // The kills land while runs are being submitted and tracked, not after the work is done.
            #expect(killsWithOpenRuns >= 8, "\(killsWithOpenRuns) of 10 kills found open runs")
            try h.startGateway()
            _ = try await h.apiBaseURL()
            #expect(try await h.waitForAllTerminal(timeout: 240), "runs still open after the last restart")

            let runs = try await h.store.runs(FlowRunFilter(limit: 1_000))
            #expect(runs.count == 300)
            for run in runs {
                let want: RunState = failing.contains(run.id) ? .failed : pulling.contains(run.id) ? .crashed : .completed
                #expect(run.state == want, "\(run.id): \(run.state) \(run.stateReason)")
                if pulling.contains(run.id) { #expect(run.stateReason.contains("ImagePull") || run.stateReason.contains("ErrImagePull")) }
            }
            let fake = h.suite.kubernetes
            let creates = fake.createsByName
            #expect(creates.count == 300, "\(creates.count) Jobs created")
            #expect(creates.values.allSatisfy { $0 == 1 }, "a name was created twice")
            #expect(fake.jobsCreated == 300)
            #expect(Set(creates.keys.compactMap(Self.runID)) == Set(runs.map(\.id)))
            // Each run's Job is in its deployment's namespace.
            #expect(Set(creates.keys.filter { $0.hasPrefix("team-a/") }.compactMap(Self.runID)) == inA.union(pulling))
            #expect(Set(creates.keys.filter { $0.hasPrefix("team-b/") }.compactMap(Self.runID)) == inB.union(failing))
            // A Job that never finished (the image-pull crashes) is deleted; finished ones are kept for logs.
            let held = Set(fake.jobNames.compactMap(Self.runID))
            #expect(held.isDisjoint(with: pulling))
            #expect(held == inA.union(inB).union(failing))
            #expect(h.gateway?.terminate() == 0)
        }

        /// A run cancelled over the API while its pod runs: a foreground DELETE, and the run ends Cancelled once
        /// the Job and its pods are gone.
        @Test func aCancelOverTheAPIDeletesTheJobAndItsPods() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 600), registrations: Self.registrations)
            defer { Task { await h.close() } }
            try await h.pool("k8s", .kubernetes, deployments: [("long", nil, ["namespace": "team-a"], nil)])
            let id = try #require(try await h.runs("long", count: 1).first)
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                try await h.cancelOnceRunning(id, base: base, http: http)
                // The fake's own pod list, read as any client would.
                let fake = h.suite.kubernetes
                let pods = try await http.execute(
                    HTTPRequest(
                        method: "GET",
                        url: fake.baseURL + "/api/v1/namespaces/team-a/pods",
                        headers: ["Authorization": "Bearer \(fake.configuration.token)"]
                    )
                )
                #expect(pods.status == 200)
                #expect(try JSONValue.parse(pods.body)["items"]?.arrayValue?.isEmpty == true)
            }
            #expect(try await h.store.run(id: id).state == .cancelled)
            let fake = h.suite.kubernetes
            #expect(fake.jobsCreated == 1)
            #expect(fake.calls["jobs.delete", default: 0] >= 1)
            #expect(fake.jobNames.isEmpty, "the Job (and so its pods) is still there: \(fake.jobNames)")
            #expect(h.gateway?.terminate() == 0)
        }
    }
}
