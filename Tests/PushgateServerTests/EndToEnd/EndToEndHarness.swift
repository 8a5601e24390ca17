import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateStore
import PushgateTestSupport
import Testing

/// `pushgate serve` as a real child process over a SQLite file, with the provider emulators in this
/// process (so their statistics can be read) and a credentials file pointing at them.
final class EndToEndHarness: @unchecked Sendable {
    let directory: URL
    let suite: EmulatorSuite
    /// An SQLite path in the harness's directory, or the PostgreSQL URL it was given.
    let databasePath: String
    let store: any Store
    let token = "e2e-api-token-" + UUID().uuidString
    var gateway: GatewayProcess?
    private var restarts = 0

    /// `registrations` replaces the registry's emulators (a test that tunes one passes its own list);
    /// `staleNotFoundReads` makes every emulator that can answer its first reads of a workload 404.
    init(
        pacing: WorkloadPacing = .timed(pending: 0.3, running: 0.5),
        faults: FaultConfiguration = .none,
        database: String? = nil,
        staleNotFoundReads: Int = 0,
        registrations: [(kind: ProviderKind, emulator: EmulatorRegistration)] = ProviderRegistry.emulators
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-e2e-\(UUID().uuidString.prefix(8))")
        var options = EmulatorSuite.Options(directory: directory)
        options.pacing = pacing
        options.faults = faults
        options.staleNotFoundReads = staleNotFoundReads
        suite = try EmulatorSuite.start(options, registrations)
        databasePath = database ?? directory.appendingPathComponent("gateway.db").path
        store = try await StoreFactory.open(databasePath)
    }

    static func template(_ kind: ProviderKind) throws -> String {
        try String(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/\(kind.defaultTemplateFileName)"), encoding: .utf8)
    }

    /// A pool of `kind` on the emulators, with queues (name, priority, limit) and deployments (name, queue,
    /// extra variables, limit).
    func pool(
        _ name: String,
        _ kind: ProviderKind,
        limit: Int? = nil,
        queues: [(String, Int, Int?)] = [],
        deployments: [(String, String?, JSONValue, Int?)]
    ) async throws {
        _ = try await store.createPool(
            WorkPoolSpec(
                name: name,
                type: kind.rawValue,
                baseJobTemplate: try Self.template(kind),
                concurrencyLimit: limit,
                credentialsProfile: suite.profile(for: kind)
            ),
            now: Date()
        )
        for (queue, priority, queueLimit) in queues {
            _ = try await store.createQueue(pool: name, WorkQueueSpec(name: queue, priority: priority, concurrencyLimit: queueLimit), now: Date())
        }
        for (deployment, queue, extra, deploymentLimit) in deployments {
            var variables = suite.deploymentVariables(for: kind).objectValue!
            variables.merge(extra.objectValue ?? [:]) { _, new in new }
            _ = try await store.createDeployment(
                DeploymentSpec(
                    name: deployment,
                    poolName: name,
                    queueName: queue,
                    jobVariables: JSONValue.object(variables).serialized(),
                    concurrencyLimit: deploymentLimit
                ),
                now: Date()
            )
        }
    }

    /// `count` runs of `deployment`, due now (staggered by a millisecond so FIFO order is creation order).
    @discardableResult
    func runs(_ deployment: String, count: Int, vars: String? = nil) async throws -> [String] {
        let now = Date()
        let specs = (0..<count).map { i in
            FlowRunSpec(deploymentName: deployment, scheduledTime: now.addingTimeInterval(Double(i - count) * 0.001), jobVariables: vars)
        }
        return try await store.createRuns(specs, now: now).map(\.run.id)
    }

    /// Starts (or restarts) `pushgate serve`.
    func startGateway(extra: [String] = [], replica: String = "e2e", environment: [String: String] = [:]) throws {
        gateway = try startReplica(replica, extra: extra, environment: environment)
    }

    /// Starts one more `pushgate serve` on the same store (one of several replicas).
    func startReplica(_ replica: String, extra: [String] = [], environment: [String: String] = [:]) throws -> GatewayProcess {
        let binary = try #require(GatewayProcess.binary(), "build the pushgate executable first (swift build)")
        restarts += 1
        return try GatewayProcess(
            binary: binary,
            arguments: [
                "--db", databasePath, "serve", "--credentials", suite.credentialsPath, "--listen", "127.0.0.1:0",
                "--token", token, "--poll-interval", "0.2", "--claim-interval", "0.05", "--lease", "3", "--rate", "2000",
                "--log-format", "json", "--replica", replica, "--shutdown-grace", "5",
            ] + extra,
            environment: ["PUSHGATE_TEMPLATES": Fixtures.repositoryRoot().appendingPathComponent("templates").path].merging(environment) { _, new in
                new
            },
            logURL: directory.appendingPathComponent("serve-\(restarts).log")
        )
    }

    /// The API's base URL, read from the gateway's "API listening" log line.
    func apiBaseURL(of process: GatewayProcess? = nil) async throws -> String {
        let gateway = try #require(process ?? gateway)
        #expect(await gateway.waitForOutput("API listening", timeout: 30))
        let line = try #require(gateway.output.split(separator: "\n").first { $0.contains("API listening") })
        let address = try #require(try JSONValue.parse(String(line))["address"]?.stringValue)
        return "http://\(address)"
    }

    /// Waits until every run is terminal (true) or `timeout` passes (false).
    func waitForAllTerminal(timeout: TimeInterval) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let open = try await store.runs(FlowRunFilter(states: RunState.allCases.filter { !$0.isTerminal }, limit: 1))
            if open.isEmpty { return true }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        return false
    }

    /// Every log line every gateway process wrote.
    var allLogs: String {
        (1...max(1, restarts)).map { (try? String(contentsOf: directory.appendingPathComponent("serve-\($0).log"), encoding: .utf8)) ?? "" }
            .joined()
    }

    func close() async {
        gateway?.terminate(timeout: 10)
        suite.stop()
        await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
