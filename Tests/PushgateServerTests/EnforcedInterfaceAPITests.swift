import Foundation
import PushgateCore
import PushgateRegistry
import PushgateServer
import PushgateTestSupport
import Testing

/// docs/design.md "Enforced interfaces" through the HTTP API, the dispatcher and the poller.
@Suite struct EnforcedInterfaceAPITests {
    func router(_ h: ServerTestHarness) -> APIRouter { h.router() }

    func call(_ router: APIRouter, _ method: String, _ path: String, _ body: String = "") async -> (Int, JSONValue) {
        await ServerTestHarness.call(router, method, path, body)
    }

    /// The ECS push template with `cluster`'s default set, so a render shows which version it used.
    func template(clusterDefault: String?, cpuEnum: [Int]? = nil) throws -> JSONValue {
        let url = Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json")
        var template = try JSONValue.parse(Data(contentsOf: url)).objectValue!
        var variables = template["variables"]!.objectValue!
        var properties = variables["properties"]!.objectValue!
        var cluster = properties["cluster"]!.objectValue!
        cluster["default"] = clusterDefault.map(JSONValue.string) ?? .null
        properties["cluster"] = .object(cluster)
        if let cpuEnum {
            var cpu = properties["cpu"]!.objectValue!
            cpu["enum"] = .array(cpuEnum.map { .int(Int64($0)) })
            properties["cpu"] = .object(cpu)
        }
        variables["properties"] = .object(properties)
        template["variables"] = .object(variables)
        return .object(template)
    }

    @Test func undeclaredVariablesAreRefusedByTheAPI() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        var (status, body) = await call(router(h), "POST", "/deployments", #"{"name": "d", "pool": "pool", "job_variables": {"imagee": "x"}}"#)
        #expect(status == 422)
        let problem = try #require(body["problems"]?.arrayValue?.first)
        #expect(problem["path"] == .string("$.imagee") && problem["code"] == .string("undeclaredVariable"))
        #expect(problem["message"]?.stringValue?.contains("did you mean 'image'?") == true)
        (status, _) = await call(router(h), "GET", "/deployments/d")
        #expect(status == 404, "nothing stored")
        (status, body) = await call(router(h), "POST", "/flow_runs", #"{"deployment": "etl-low", "job_variables": {"bogus": 1}}"#)
        #expect(status == 422 && body["problems"]?.arrayValue?.first?["path"] == .string("$.bogus"))
        (status, _) = await call(router(h), "PATCH", "/deployments/etl-low", #"{"job_variables": {"bogus": 1}}"#)
        #expect(status == 422)
        // The pool's opt-out drops them, as Prefect does.
        (status, body) = await call(router(h), "PATCH", "/work_pools/pool", #"{"allow_undeclared_variables": true}"#)
        #expect(status == 200 && body["allow_undeclared_variables"] == .bool(true))
        (status, _) = await call(router(h), "POST", "/flow_runs", #"{"deployment": "etl-low", "job_variables": {"bogus": 1}}"#)
        #expect(status == 201)
    }

    @Test func aTemplateUpdateIsCheckedAndAnInFlightRunKeepsItsVersion() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let first = try await h.createRuns("etl-low", count: 1)[0]
        await h.dispatcher().runOnce()
        #expect(try await h.store.run(id: first.id).templateVersion == 1)

        // A narrowing that breaks a deployment is refused with both named, unless forced.
        _ = try await h.store.updateDeployment(
            named: "etl-high",
            DeploymentUpdate(jobVariables: .some(#"{"image": "x", "cpu": 512}"#)),
            now: h.clock.now()
        )
        let narrowing = JSONValue.object(["base_job_template": try template(clusterDefault: nil, cpuEnum: [256, 1024])]).serialized()
        var (status, body) = await call(router(h), "PATCH", "/work_pools/pool", narrowing)
        #expect(status == 422)
        let files = body["problems"]?.arrayValue?.compactMap { $0["file"]?.stringValue } ?? []
        #expect(files == ["deployment 'etl-high' job_variables"], "\(body)")
        #expect(try await h.store.pool(named: "pool").templateVersion == 1)
        _ = try await h.store.updateDeployment(named: "etl-high", DeploymentUpdate(jobVariables: .some(#"{"image": "x"}"#)), now: h.clock.now())

        // A compatible update applies; the next run renders with it.
        let update = JSONValue.object(["base_job_template": try template(clusterDefault: "prod-cluster")]).serialized()
        (status, body) = await call(router(h), "PATCH", "/work_pools/pool", update)
        #expect(status == 200 && body["template_version"] == .int(2), "\(body)")
        let second = try await h.createRuns("etl-low", count: 1)[0]
        await h.dispatcher().runOnce()
        let workloads = Dictionary(uniqueKeysWithValues: h.provider.workloads.map { ($0.job.runID, $0) })
        #expect(workloads[second.id]?.job.configuration["cluster"] == .string("prod-cluster"))
        #expect(workloads[first.id]?.job.configuration["cluster"] != .string("prod-cluster"))
        #expect(try await h.store.run(id: second.id).templateVersion == 2)
        // The in-flight run is still tracked with version 1: its cancel is re-rendered with it.
        _ = try await h.store.requestCancel(runID: first.id, reason: "user asked", now: h.clock.now())
        await h.poller().runOnce()
        let cancelled = h.provider.workloads.first { $0.job.runID == first.id }
        let cancelJob = try #require(cancelled?.cancelJob)
        #expect(cancelJob.configuration["cluster"] != .string("prod-cluster"))
        #expect(cancelJob.configuration["cluster"] == workloads[first.id]?.job.configuration["cluster"])
        (status, body) = await call(router(h), "GET", "/flow_runs/\(first.id)")
        #expect(body["template_version"] == .int(1))
    }

    @Test func aDeploymentSwitchesPoolsOverTheAPI() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        var (status, _) = await call(router(h), "POST", "/work_pools", #"{"name": "prod", "type": "ecs:push"}"#)
        #expect(status == 201)
        let waiting = try await h.createRuns("etl-low", count: 3, at: 3600)
        var body: JSONValue
        (status, body) = await call(router(h), "PATCH", "/deployments/etl-low", #"{"move_scheduled": true}"#)
        #expect(status == 422)
        (status, body) = await call(router(h), "PATCH", "/deployments/etl-low", #"{"pool": "prod", "move_scheduled": true}"#)
        #expect(status == 200 && body["pool"] == .string("prod") && body["queue"] == .string("default"), "\(body)")
        for run in waiting { #expect(try await h.store.run(id: run.id).poolName == "prod") }
    }
}
