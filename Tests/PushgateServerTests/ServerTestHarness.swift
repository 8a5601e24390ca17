import Foundation
import PushgateCore
import PushgateServer
import PushgateStore
import PushgateTestSupport
import Synchronization

/// A real SQLite store in a temporary file with one ECS-typed pool, three prioritised queues and a
/// deployment, plus a scripted provider: what dispatcher, poller and API tests start from.
struct ServerTestHarness {
    let store: SQLiteStore
    let provider: ScriptedProvider
    let clock: ManualClock
    let metrics = MetricsRegistry()
    let directory: URL
    let logLines = LogBuffer()

    struct Directory: ProviderDirectory {
        let provider: ScriptedProvider
        func provider(for pool: WorkPool) throws -> any Provider { provider }
    }

    final class LogBuffer: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: String { lines.withLock { $0.joined() } }
    }

    var logger: Logger {
        let buffer = logLines
        return Logger(level: .debug, format: .json, clock: { Date(timeIntervalSince1970: 0) }) { buffer.append($0) }
    }

    static func make(provider: ScriptedProvider = ScriptedProvider(), poolLimit: Int? = nil) async throws -> ServerTestHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("gateway.db").path)
        let clock = ManualClock()
        let template = try String(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json"), encoding: .utf8)
        _ = try await store.createPool(
            WorkPoolSpec(name: "pool", type: "ecs:push", baseJobTemplate: template, concurrencyLimit: poolLimit, credentialsProfile: "test"),
            now: clock.now()
        )
        _ = try await store.createQueue(pool: "pool", WorkQueueSpec(name: "critical", priority: 1, concurrencyLimit: 1), now: clock.now())
        _ = try await store.createQueue(pool: "pool", WorkQueueSpec(name: "high", priority: 5, concurrencyLimit: 3), now: clock.now())
        _ = try await store.createQueue(pool: "pool", WorkQueueSpec(name: "low", priority: 10), now: clock.now())
        for queue in ["critical", "high", "low"] {
            _ = try await store.createDeployment(
                DeploymentSpec(name: "etl-\(queue)", poolName: "pool", queueName: queue, jobVariables: #"{"image": "repo/etl:1"}"#),
                now: clock.now()
            )
        }
        return ServerTestHarness(store: store, provider: provider, clock: clock, directory: directory)
    }

    func dispatcher(
        owner: String = "replica-a",
        providers: (any ProviderDirectory)? = nil,
        _ adjust: (inout DispatcherConfiguration) -> Void = { _ in }
    ) -> Dispatcher {
        var configuration = DispatcherConfiguration(owner: owner)
        configuration.backoffBase = 0
        configuration.backoffCap = 0
        adjust(&configuration)
        return Dispatcher(
            store: store,
            providers: providers ?? Directory(provider: provider),
            pacer: Pacer(configuration: .uniform(perSecond: 1_000_000, burst: 1_000_000), clock: clock),
            configuration: configuration,
            clock: clock,
            metrics: metrics,
            logger: logger
        )
    }

    func poller(_ adjust: (inout PollerConfiguration) -> Void = { _ in }) -> Poller {
        var configuration = PollerConfiguration()
        adjust(&configuration)
        return Poller(
            store: store,
            providers: Directory(provider: provider),
            configuration: configuration,
            clock: clock,
            metrics: metrics,
            logger: logger
        )
    }

    @discardableResult
    func createRuns(_ deployment: String, count: Int, at offset: TimeInterval = 0, vars: String? = nil) async throws -> [FlowRun] {
        var runs: [FlowRun] = []
        for i in 0..<count {
            // Staggered by a millisecond so FIFO order is the creation order.
            let at = clock.now().addingTimeInterval(offset - Double(count - i) * 0.001)
            runs.append(
                try await store.createRun(FlowRunSpec(deploymentName: deployment, scheduledTime: at, jobVariables: vars), now: clock.now()).run
            )
        }
        return runs
    }

    func state(_ run: FlowRun) async throws -> RunState { try await store.run(id: run.id).state }

    func close() async {
        await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
