import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// A deployment promoted from one pool to another of a different type while `pushgate serve` runs
    /// (docs/design.md "Enforced interfaces"): its next run goes to the new provider, the old pool's limit
    /// no longer holds it back, and a variable the new template does not declare is refused first.
    @Suite struct DeploymentPromotionTests {
        @Test func aDeploymentSwitchedToACloudRunPoolRunsThere() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 30))
            defer { Task { await h.close() } }
            try await h.pool("staging", .ecs, limit: 1, deployments: [("etl", nil, ["image": "registry.example/etl:1"], nil)])
            try await h.pool("prod", .cloudRunV2, deployments: [])
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                let first = try #require(
                    try await EndToEndHarness.call(http, "POST", "\(base)/flow_runs", token: h.token, #"{"deployment": "etl"}"#).1["id"]?.stringValue
                )
                // The first run holds staging's only slot for 30 s.
                var state = ""
                for _ in 0..<200 where state != "Running" {
                    state = try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs/\(first)", token: h.token).1["state"]?.stringValue ?? ""
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
                #expect(state == "Running")
                // The ECS variables do not fit the Cloud Run template: refused, naming them.
                var (status, body, text) = try await EndToEndHarness.call(
                    http,
                    "PATCH",
                    "\(base)/deployments/etl",
                    token: h.token,
                    #"{"pool": "prod"}"#
                )
                #expect(status == 422, "\(text)")
                #expect(body["problems"]?.arrayValue?.contains { $0["code"] == .string("undeclaredVariable") } == true, "\(text)")
                var variables = h.suite.deploymentVariables(for: .cloudRunV2).objectValue!
                variables["image"] = .string("us-docker.pkg.dev/p/r/etl:1")
                let patch = JSONValue.object(["pool": .string("prod"), "job_variables": .object(variables)]).serialized()
                (status, body, text) = try await EndToEndHarness.call(http, "PATCH", "\(base)/deployments/etl", token: h.token, patch)
                #expect(status == 200 && body["pool"] == .string("prod"), "\(text)")
                let second = try #require(
                    try await EndToEndHarness.call(http, "POST", "\(base)/flow_runs", token: h.token, #"{"deployment": "etl"}"#).1["id"]?.stringValue
                )
                state = ""
                for _ in 0..<400 where state != "Running" {
                    state = try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs/\(second)", token: h.token).1["state"]?.stringValue ?? ""
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
                #expect(state == "Running", "the promoted run waited behind the staging pool's limit")
                let run = try await h.store.run(id: second)
                #expect(run.poolName == "prod" && run.providerHandle != nil)
                #expect(h.suite.cloudRun.statistics.jobsCreated == 1)
                #expect(try await h.store.run(id: first).poolName == "staging")
            }
        }
    }
}
