import Foundation
import PushgateCore
import PushgateServer
import PushgateTestSupport
import Testing

/// `GET /flow_runs/{id}/logs` for providers without logs and runs without a workload: the seam's default
/// ("this provider offers no logs") reaches the API as a 404 naming the pool type (docs/provider-apis.md §6.6).
@Suite struct RunLogsAPITests {
    @Test func aProviderWithoutLogsAnswers404AndAnUnsubmittedRunAnEmptyTail() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let api = h.router()
        let run = try #require(try await h.createRuns("etl-low", count: 1).first)
        var (status, body) = await ServerTestHarness.call(api, "GET", "/flow_runs/\(run.id)/logs", "")
        #expect(status == 200 && body["text"] == "" && body["finished"] == false, "\(body)")
        #expect(await h.dispatcher().runOnce() == 1)
        (status, body) = await ServerTestHarness.call(api, "GET", "/flow_runs/\(run.id)/logs", "")
        #expect(status == 404 && body["error"]?.stringValue?.contains("ecs:push pool, which offers no logs") == true, "\(status) \(body)")
        (status, _) = await ServerTestHarness.call(api, "GET", "/flow_runs/\(run.id)/logs", "", query: ["offset": "-1"])
        #expect(status == 422)
        (status, _) = await ServerTestHarness.call(api, "GET", "/flow_runs/no-such-run/logs", "")
        #expect(status == 404)
        (status, _) = await ServerTestHarness.call(api, "DELETE", "/flow_runs/\(run.id)/logs", "")
        #expect(status == 405)
    }
}
