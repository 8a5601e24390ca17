import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// `pushgate serve` as a real process, runs created over its HTTP API, the providers' emulators doing
    /// what they do: runs end Completed, Failed and Cancelled as dictated, the API refuses strangers, and no
    /// planted secret shows up in any response or log line.
    @Suite struct GatewayEndToEndTests {
        func call(
            _ http: CurlHTTPClient,
            _ method: String,
            _ url: String,
            token: String?,
            _ body: String = ""
        ) async throws -> (Int, JSONValue, String) {
            try await EndToEndHarness.call(http, method, url, token: token, body)
        }

        @Test func runsCreatedOverTheAPIEndAsTheProvidersDictate() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.5, running: 15))
            defer { Task { await h.close() } }
            try await h.pool(
                "ecs",
                .ecs,
                queues: [("urgent", 1, nil)],
                deployments: [
                    ("etl", nil, ["image": "registry.example/etl:1"], nil),
                    ("broken", nil, ["image": "registry.example/etl-fail:1"], nil),
                ]
            )
            try await h.pool("run", .cloudRunV2, deployments: [("train", nil, ["image": "us-docker.pkg.dev/p/r/train:1"], nil)])
            try await h.pool("aci", .azureContainerInstance, deployments: [("batch", nil, ["image": "registry.example/batch:1"], nil)])
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                var responses: [String] = []
                func create(_ deployment: String, _ extra: String = "") async throws -> String {
                    let (status, body, text) = try await call(
                        http,
                        "POST",
                        "\(base)/flow_runs",
                        token: h.token,
                        #"{"deployment": "\#(deployment)"\#(extra)}"#
                    )
                    responses.append(text)
                    #expect(status == 201, "\(text)")
                    return try #require(body["id"]?.stringValue)
                }
                let ok = try await create("etl")
                let failing = try await create("broken")
                let toCancel = try await create("etl")
                let later = try await create("etl", #", "scheduled_time": "2099-01-01T00:00:00Z""#)
                let train = try await create("train")
                let trainFail = try await create("train", #", "job_variables": {"command": "python train.py; exit 3"}"#)
                let batch = try await create("batch")

                // Cancel one run while it runs, one before it is due.
                var state = ""
                for _ in 0..<400 where state != "Running" {
                    state = try await call(http, "GET", "\(base)/flow_runs/\(toCancel)", token: h.token).1["state"]?.stringValue ?? ""
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
                #expect(state == "Running")
                #expect(
                    try await call(http, "POST", "\(base)/flow_runs/\(toCancel)/cancel", token: h.token, #"{"reason": "operator said so"}"#).0 == 200
                )
                #expect(try await call(http, "POST", "\(base)/flow_runs/\(later)/cancel", token: h.token).1["state"] == "Cancelled")

                #expect(try await h.waitForAllTerminal(timeout: 60))
                let expected: [(String, String)] = [
                    (ok, "Completed"), (failing, "Failed"), (toCancel, "Cancelled"), (later, "Cancelled"),
                    (train, "Completed"), (trainFail, "Failed"), (batch, "Completed"),
                ]
                for (id, want) in expected {
                    let (status, run, text) = try await call(http, "GET", "\(base)/flow_runs/\(id)", token: h.token)
                    responses.append(text)
                    #expect(status == 200 && run["state"] == .string(want), "\(id): \(text)")
                    // History agrees: it ends in the state the run is in, and records a reason for each step.
                    let history = run["history"]?.arrayValue ?? []
                    #expect(history.last?["to"] == .string(want))
                    #expect(history.allSatisfy { !($0["reason"]?.stringValue ?? "").isEmpty })
                }
                #expect(
                    h.suite.ecs.statistics.tasksStopped >= 1,
                    "\(h.allLogs.split(separator: "\n").filter { $0.contains(toCancel) || $0.contains("cancel") })"
                )
                #expect(h.suite.workloads[.ecs] == 3 && h.suite.workloads[.cloudRunV2] == 2 && h.suite.workloads[.azureContainerInstance] == 1)

                // Metrics agree with what happened.
                let (status, _, metrics) = try await call(http, "GET", "\(base)/metrics", token: h.token)
                #expect(status == 200)
                #expect(metrics.contains(#"pushgate_submissions_total{outcome="submitted",provider="ecs:push",replica="e2e"} 3"#), "\(metrics)")
                #expect(metrics.contains(#"pushgate_submissions_total{outcome="submitted",provider="cloud-run-v2:push",replica="e2e"} 2"#))
                #expect(metrics.contains(#"pushgate_run_transitions_total{replica="e2e",state="Completed"} 3"#))
                #expect(metrics.contains(#"pushgate_run_transitions_total{replica="e2e",state="Failed"} 2"#))
                #expect(metrics.contains(#"pushgate_run_transitions_total{replica="e2e",state="Cancelled"} 1"#))

                // Strangers change nothing.
                let poolsBefore = try await h.store.pools().count
                for token in [nil, "wrong-token", h.token + "x"] {
                    let (denied, body, text) = try await call(
                        http,
                        "POST",
                        "\(base)/work_pools",
                        token: token,
                        #"{"name": "sneaky", "type": "ecs:push"}"#
                    )
                    responses.append(text)
                    #expect(denied == 401 && body["error"] != nil)
                    #expect(try await call(http, "GET", "\(base)/flow_runs", token: token).0 == 401)
                }
                #expect(try await h.store.pools().count == poolsBefore)
                #expect(try await call(http, "GET", "\(base)/health", token: nil).0 == 200)

                // Bad bodies get a 4xx with a message.
                for (body, status) in [
                    ("{", 400), (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), 400),
                    (#"{"deployment": "etl", "job_variables": {"cpu": "lots"}}"#, 422),
                    (#"{"deployment": 7}"#, 422), (#"{"deployment": "etl", "extra": 1}"#, 400),
                ] {
                    let (got, response, text) = try await call(http, "POST", "\(base)/flow_runs", token: h.token, body)
                    responses.append(text)
                    #expect(got == status && response["error"]?.stringValue?.isEmpty == false, "\(body.prefix(40)): \(text)")
                }
                let oversized = #"{"deployment": "etl", "job_variables": {"x": ""# + String(repeating: "a", count: 2 << 20) + #""}}"#
                #expect(try await call(http, "POST", "\(base)/flow_runs", token: h.token, oversized).0 == 413)

                // No planted secret appears in any response or log line.
                let credentials = try String(contentsOfFile: h.suite.credentialsPath, encoding: .utf8)
                let secrets =
                    credentials.split(separator: "\n").compactMap { line -> String? in
                        let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                        return parts.count == 2 && ["secret_access_key", "client_secret"].contains(parts[0]) ? parts[1] : nil
                    } + [h.token, "PRIVATE KEY"]
                #expect(secrets.count == 4)
                let everything = responses.joined() + metrics + h.allLogs
                for secret in secrets { #expect(!everything.contains(secret), "a secret leaked") }
            }
            #expect(h.gateway?.terminate() == 0)
            #expect(h.gateway?.output.contains("\"msg\":\"stopped\"") == true)
        }
    }
}
