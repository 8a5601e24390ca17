import Foundation
import PushgateCore
import PushgateServer
import PushgateStore
import PushgateTestSupport
import Testing

@Suite struct PrefectBridgeTests {
    static let mapping = PrefectPoolMapping(prefectPool: "local", providerType: "process")

    func setUp() async throws -> (SQLiteStore, ScriptedPrefectAPI, ManualClock) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-prefect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("gateway.db").path)
        let template = try JSONValue.parse(try Fixtures.string("prefect/process-pool-template.json"))
        return (store, ScriptedPrefectAPI(template: template), ManualClock())
    }

    func bridge(_ store: SQLiteStore, _ api: ScriptedPrefectAPI, _ clock: ManualClock, replica: String) -> PrefectBridge {
        let configuration = PrefectBridgeConfiguration(apiURL: "http://127.0.0.1:4200/api", pools: [Self.mapping], workerName: replica)
        return PrefectBridge(api: api, store: store, configuration: configuration, clock: clock, logger: Logger { _ in })
    }

    func scheduled(_ id: String) -> PrefectFlowRun {
        PrefectFlowRun(
            id: id,
            name: "run-\(id)",
            deploymentID: "dep-1",
            jobVariables: .object(["env": .object(["FROM_RUN": .string("1")])]),
            stateType: "SCHEDULED",
            stateMessage: nil,
            infrastructurePID: nil
        )
    }

    @Test func twoReplicasTakeAScheduledRunOnceAndTheMirrorCarriesPrefectsEnvironment() async throws {
        let (store, api, clock) = try await setUp()
        api.add(scheduled("r1"))
        await bridge(store, api, clock, replica: "a").pass()
        api.setType("r1", "SCHEDULED")  // as if replica b read the run before a's proposal landed
        await bridge(store, api, clock, replica: "b").pass()
        let runs = try await store.runs(FlowRunFilter(poolName: Self.mapping.mirrorPool))
        #expect(runs.count == 1)
        #expect(runs.first?.idempotencyKey == "r1")
        let variables = try JSONValue.parse(runs.first?.jobVariables ?? "{}")
        #expect(variables["env"]?["PREFECT__FLOW_RUN_ID"]?.stringValue == "r1")
        #expect(variables["env"]?["PREFECT_API_URL"]?.stringValue == "http://127.0.0.1:4200/api")
        #expect(variables["env"]?["FROM_RUN"]?.stringValue == "1")
        let deployment = try await store.deployment(named: "prefect.dep-1")
        #expect(deployment.jobVariables?.contains("FROM_DEPLOYMENT") == true)
        #expect(api.state.withLock { $0.heartbeats } == ["local/a", "local/b"])
    }

    @Test func aRunLeftPendingByACrashedReplicaIsMirroredOnceOnTheNextPass() async throws {
        let (store, api, clock) = try await setUp()
        var run = scheduled("r2")
        run.stateType = "PENDING"
        run.stateMessage = PrefectBridgeAction.pendingMessage(replica: "a")
        api.add(run)
        // Another replica leaves it alone (its mirror may be in a's own store); a, restarted, mirrors it once.
        await bridge(store, api, clock, replica: "b").pass()
        #expect(try await store.runs(FlowRunFilter(poolName: Self.mapping.mirrorPool)).isEmpty)
        await bridge(store, api, clock, replica: "a").pass()
        await bridge(store, api, clock, replica: "a").pass()
        let runs = try await store.runs(FlowRunFilter(poolName: Self.mapping.mirrorPool))
        #expect(runs.map(\.idempotencyKey) == ["r2"])
    }

    @Test func theHandleBecomesTheInfrastructurePIDAndACancelStopsThenCancels() async throws {
        let (store, api, clock) = try await setUp()
        api.add(scheduled("r3"))
        let bridge = bridge(store, api, clock, replica: "a")
        await bridge.pass()
        let claimed = try await store.claim(pool: Self.mapping.mirrorPool, owner: "a", limit: 1, leaseDuration: 60, now: clock.now())
        let mirror = try #require(claimed.first)
        _ = try await store.markSubmitted(runID: mirror.id, owner: "a", providerHandle: "4242", now: clock.now())
        await bridge.pass()
        #expect(api.run("r3")?.infrastructurePID == "4242")
        api.setType("r3", "CANCELLING")
        await bridge.pass()
        #expect(try await store.run(id: mirror.id).state == .cancelling)
        _ = try await store.markTerminal(runID: mirror.id, state: .cancelled, reason: "stopped", now: clock.now())
        await bridge.pass()
        #expect(api.run("r3")?.stateType == "CANCELLED")
    }

    @Test func anInfrastructureFailureIsReportedCrashedWithTheReason() async throws {
        let (store, api, clock) = try await setUp()
        api.add(scheduled("r4"))
        let bridge = bridge(store, api, clock, replica: "a")
        await bridge.pass()
        let mirror = try #require(
            try await store.claim(pool: Self.mapping.mirrorPool, owner: "a", limit: 1, leaseDuration: 60, now: clock.now()).first
        )
        _ = try await store.markTerminal(runID: mirror.id, state: .crashed, reason: "process could not start: no such file", now: clock.now())
        await bridge.pass()
        #expect(api.run("r4")?.stateType == "CRASHED")
        #expect(api.run("r4")?.stateMessage == "process could not start: no such file")
    }

    /// The mirror of an active Prefect run is found by its key however many other runs the mirror pool
    /// holds (a listing of the newest thousand once missed older mirrors).
    @Test func anOldMirrorIsFoundBehindAThousandNewerRuns() async throws {
        let (store, api, clock) = try await setUp()
        api.add(scheduled("r-old"))
        let bridge = bridge(store, api, clock, replica: "a")
        await bridge.pass()
        let mirror = try #require(
            try await store.claim(pool: Self.mapping.mirrorPool, owner: "a", limit: 1, leaseDuration: 60, now: clock.now()).first
        )
        let later = clock.now().addingTimeInterval(60)
        let newer = (0..<1_000).map {
            FlowRunSpec(deploymentName: PrefectBridge.mirrorDeployment("dep-1"), scheduledTime: later, idempotencyKey: "other-\($0)")
        }
        _ = try await store.createRuns(newer, now: clock.now())
        _ = try await store.markSubmitted(runID: mirror.id, owner: "a", providerHandle: "pid-7", now: clock.now())
        await bridge.pass()
        #expect(api.run("r-old")?.infrastructurePID == "pid-7")
    }

    @Test func theGatewaysPrefectCredentialsAreWhatAFlowRunReads() {
        #expect(PrefectHTTPAPI.Auth.bearer("k").flowRunEnvironment == ["PREFECT_API_KEY": "k"])
        #expect(PrefectHTTPAPI.Auth.basic("u:p").flowRunEnvironment == ["PREFECT_API_AUTH_STRING": "u:p"])
        #expect(PrefectHTTPAPI.Auth.none.flowRunEnvironment.isEmpty)
    }

    @Test func aMappingNamesTheOptionWhenItIsWrong() throws {
        let types = ["process", "ecs:push"]
        #expect(
            try PrefectPoolMapping.parse("aws=ecs:push@moto", place: "--prefect-pool", knownTypes: types)
                == PrefectPoolMapping(prefectPool: "aws", providerType: "ecs:push", credentialsProfile: "moto")
        )
        #expect(throws: PrefectError.self) { try PrefectPoolMapping.parse("local", place: "--prefect-pool", knownTypes: types) }
        do {
            _ = try PrefectPoolMapping.parse("local=k8s", place: "--prefect-pool", knownTypes: types)
            Issue.record("an unknown type was accepted")
        } catch {
            #expect(error.message.hasPrefix("--prefect-pool: unknown provider type 'k8s'"))
        }
    }

    @Test func bearerOrBasicAuthComesFromPrefectsVariables() {
        guard case .bearer("k") = PrefectHTTPAPI.auth(environment: ["PREFECT_API_KEY": "k", "PREFECT_API_AUTH_STRING": "u:p"]) else {
            Issue.record("PREFECT_API_KEY should win")
            return
        }
        guard case .basic("u:p") = PrefectHTTPAPI.auth(environment: ["PREFECT_API_AUTH_STRING": "u:p"]) else {
            Issue.record("PREFECT_API_AUTH_STRING should give basic auth")
            return
        }
    }
}
