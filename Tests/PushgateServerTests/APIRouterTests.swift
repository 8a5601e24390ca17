import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTPServer
import PushgateRegistry
import PushgateServer
import PushgateTestSupport
import Testing

@Suite struct APIRouterTests {
    func router(_ h: ServerTestHarness) -> APIRouter { h.router() }

    func call(_ router: APIRouter, _ method: String, _ path: String, _ body: String = "", query: [String: String] = [:]) async -> (Int, JSONValue) {
        await ServerTestHarness.call(router, method, path, body, query: query)
    }

    @Test func poolsQueuesDeploymentsAndRunsRoundTrip() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let api = router(h)
        var (status, body) = await call(
            api,
            "POST",
            "/work_pools",
            #"{"name": "gpu", "type": "ecs:push", "concurrency_limit": 5, "credentials_profile": "prod"}"#
        )
        #expect(status == 201 && body["name"] == "gpu" && body["concurrency_limit"] == 5)
        (status, body) = await call(api, "GET", "/work_pools/gpu")
        #expect(status == 200 && body["base_job_template"]?["job_configuration"]?["task_run_request"] != nil)
        (status, body) = await call(api, "POST", "/work_pools/gpu/queues", #"{"name": "urgent", "priority": 1}"#)
        #expect(status == 201 && body["priority"] == 1)
        (status, body) = await call(api, "GET", "/work_pools/gpu/queues")
        #expect(status == 200 && body.arrayValue?.map { $0["name"] } == ["urgent", "default"])
        (status, body) = await call(api, "PATCH", "/work_pools/gpu", #"{"is_paused": true, "concurrency_limit": null}"#)
        #expect(status == 200 && body["status"] == "PAUSED" && body["concurrency_limit"] == .null)
        (status, body) = await call(
            api,
            "POST",
            "/deployments",
            #"{"name": "train", "pool": "gpu", "queue": "urgent", "job_variables": {"image": "repo/train:2"}}"#
        )
        #expect(status == 201 && body["queue"] == "urgent")
        (status, body) = await call(
            api,
            "POST",
            "/flow_runs",
            #"{"deployment": "train", "idempotency_key": "nightly-1", "job_variables": {"cpu": 2048}}"#
        )
        #expect(status == 201)
        let id = try #require(body["id"]?.stringValue)
        (status, body) = await call(api, "POST", "/flow_runs", #"{"deployment": "train", "idempotency_key": "nightly-1"}"#)
        #expect(status == 200 && body["id"] == .string(id))
        (status, body) = await call(api, "GET", "/flow_runs", query: ["deployment": "train"])
        #expect(status == 200 && body.arrayValue?.count == 1)
        (status, body) = await call(api, "POST", "/flow_runs/\(id)/cancel", #"{"reason": "not tonight"}"#)
        #expect(status == 200 && body["state"] == "Cancelled")
        (status, body) = await call(api, "GET", "/flow_runs/\(id)")
        #expect(status == 200 && body["history"]?.arrayValue?.last?["reason"] == "not tonight")
        (status, body) = await call(api, "GET", "/work_pools/gpu/preview")
        #expect(status == 200 && body.arrayValue?.isEmpty == true)
    }

    @Test(arguments: [
        ("POST", "/work_pools", "{\"name\": ", 400, "malformed JSON at 1:10"),
        ("POST", "/work_pools", String(repeating: "[", count: 40) + String(repeating: "]", count: 40), 400, "nested deeper than 32"),
        ("POST", "/work_pools", #"{"name": "x", "type": "ecs:push", "concurency_limit": 3}"#, 400, "unknown field 'concurency_limit'"),
        (
            "POST", "/work_pools", #"{"name": "x", "type": "ecs:push", "concurrency_limit": "ten"}"#, 422,
            "field 'concurrency_limit' must be an integer, got string"
        ),
        ("POST", "/work_pools", #"{"name": "x", "type": "lambda"}"#, 422, "unknown type 'lambda'"),
        (
            "POST", "/work_pools",
            #"{"name": "x", "type": "ecs:push", "base_job_template": {"job_configuration": {"a": "{{ b }}"}, "variables": {"properties": {}}}}"#, 422,
            "invalid base_job_template"
        ),
        ("POST", "/work_pools", #"["x"]"#, 400, "must be a JSON object"),
        ("POST", "/flow_runs", #"{"deployment": "etl-low", "job_variables": {"cpu": "lots"}}"#, 422, "invalid job_variables"),
        ("POST", "/flow_runs", #"{"deployment": "nope"}"#, 404, "nope"),
        ("POST", "/flow_runs", #"{"deployment": "etl-low", "scheduled_time": "tomorrow"}"#, 422, "ISO 8601"),
        ("GET", "/flow_runs", "", 422, "unknown state"),
        ("GET", "/nowhere", "", 404, "no route"),
    ])
    func badInputGetsAClearMessageAndChangesNothing(method: String, path: String, body: String, status: Int, message: String) async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let api = router(h)
        let poolsBefore = try await h.store.pools().count
        let runsBefore = try await h.store.runs(FlowRunFilter()).count
        let (got, response) = await call(api, method, path, body, query: path == "/flow_runs" && method == "GET" ? ["state": "Sleeping"] : [:])
        #expect(got == status)
        let text = response["error"]?.stringValue ?? ""
        #expect(text.contains(message), "\(text)")
        #expect(try await h.store.pools().count == poolsBefore)
        #expect(try await h.store.runs(FlowRunFilter()).count == runsBefore)
    }

    @Test func invalidJobVariablesListEveryProblem() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let (status, body) = await call(
            router(h),
            "POST",
            "/flow_runs",
            #"{"deployment": "etl-low", "job_variables": {"cpu": "lots", "memory": []}}"#
        )
        #expect(status == 422)
        #expect(body["problems"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["$.cpu", "$.memory"])
    }

    @Test func templatesValidateReportsProblems() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        var (status, body) = await call(
            router(h),
            "POST",
            "/templates/validate",
            #"{"job_configuration": {"a": "{{ $HOME }}"}, "variables": {"properties": {}}}"#
        )
        #expect(status == 200 && body["valid"] == false && body["problems"]?.arrayValue?.count == 1)
        let shipped = try String(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/modal-push.json"), encoding: .utf8)
        (status, body) = await call(router(h), "POST", "/templates/validate", shipped, query: ["type": "modal:push"])
        #expect(status == 200 && body["valid"] == true)
    }

    @Test func pendingCleanUpsAndTrackingNotesAreServed() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 2)
        await h.dispatcher().runOnce()
        var (status, body) = await call(router(h), "GET", "/cleanups")
        #expect(status == 200 && body == .array([]))
        _ = try await h.store.markTerminal(runID: runs[0].id, state: .completed, reason: "exit 0", now: h.clock.now())
        try await h.store.setTrackingNote(runID: runs[1].id, note: "status read answered 404")
        (status, body) = await call(router(h), "GET", "/cleanups")
        #expect(status == 200 && body.arrayValue?.count == 1)
        #expect(body.arrayValue?.first?["run_id"] == .string(runs[0].id))
        #expect(body.arrayValue?.first?["attempts"] == .int(0))
        (status, body) = await call(router(h), "GET", "/flow_runs/\(runs[1].id)")
        #expect(status == 200 && body["tracking_note"] == .string("status read answered 404"))
    }

    @Test func healthAndMetrics() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        try await h.createRuns("etl-low", count: 2)
        await h.dispatcher().runOnce()
        var (status, body) = await call(router(h), "GET", "/health")
        #expect(status == 200 && body["store"] == true)
        let response = await router(h).handle(ServerRequest(method: "GET", path: "/metrics"))
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 200)
        #expect(text.contains(#"pushgate_runs{state="Pending"} 2"#))
        #expect(text.contains(#"pushgate_submissions_total{outcome="submitted",provider="ecs:push"} 2"#))
        #expect(text.contains("pushgate_claim_duration_seconds_bucket"))
        #expect(text.contains(#"pushgate_queue_status{pool="pool",queue="low",status="READY"} 1"#))
        let unhealthy = APIRouter(
            store: h.store,
            providers: nil,
            catalog: ProviderRegistry.catalog,
            clock: h.clock,
            metrics: h.metrics,
            templatesDirectory: nil
        ) { false }
        (status, body) = await call(unhealthy, "GET", "/health")
        #expect(status == 503 && body["loops"] == false)
    }

    @Test func bearerTokensAreComparedExactly() {
        let tokens = [Array("s3cr3t-token".utf8)]
        #expect(APIServer.authorized("Bearer s3cr3t-token", tokens: tokens))
        #expect(!APIServer.authorized("Bearer s3cr3t-toke", tokens: tokens))
        #expect(!APIServer.authorized("Bearer s3cr3t-token2", tokens: tokens))
        #expect(!APIServer.authorized("Basic s3cr3t-token", tokens: tokens))
        #expect(!APIServer.authorized(nil, tokens: tokens))
        #expect(!APIServer.authorized("Bearer ", tokens: []))
        // The scheme is case-insensitive (RFC 9110 §11.1); the token is not.
        #expect(APIServer.authorized("bearer s3cr3t-token", tokens: tokens))
        #expect(APIServer.authorized("BEARER s3cr3t-token", tokens: tokens))
        #expect(!APIServer.authorized("bearer S3CR3T-token", tokens: tokens))
    }

    /// A known path asked with a method it does not answer: 405 with the methods it does.
    @Test func aWrongMethodGets405WithAllow() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        for (method, path, allow) in [
            ("DELETE", "/flow_runs", "GET, POST"), ("PUT", "/work_pools/pool", "GET, PATCH, DELETE"), ("GET", "/flow_runs/x/cancel", "POST"),
            ("POST", "/health", "GET"), ("PUT", "/work_pools/pool/queues/low", "GET, PATCH, DELETE"),
        ] {
            let response = await h.router().handle(ServerRequest(method: method, path: path))
            #expect(response.status == 405, "\(method) \(path)")
            #expect(response.headers["Allow"] == allow, "\(method) \(path)")
        }
        #expect(await h.router().handle(ServerRequest(method: "GET", path: "/nowhere")).status == 404)
        #expect(await h.router().handle(ServerRequest(method: "GET", path: "/flow_runs")).status == 200)
    }
}
