import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateServer
import PushgateStore
import PushgateTestSupport

/// Runs from due to submitted through the gateway, on a SQLite store of `storeRuns` runs, submitting to the
/// loopback fake ECS of `pushgate emulate` (every signature verified) run as a separate process. Two gateways:
/// - ``Gateway/serve``: `pushgate serve` itself as a child process (release build, default configuration
///   but for `--rate`, since no provider quota applies to the emulator): dispatcher, poller, API, info logs.
///   Progress comes from its `/metrics`; RSS is that process's.
/// - ``Gateway/inProcess(synchronousFull:)``: the ``Dispatcher`` alone in this process, wired as `serve`
///   wires it (credentials file → CredentialsProviderDirectory → ECS provider → CurlHTTPClient), no poller,
///   with SQLite `synchronous` FULL (the default) or NORMAL. RSS is this process's (with the store setup).
///
/// Two shapes: a **burst** (`due` runs all due at one instant T0, runs/s from T0 to the last submission) and
/// a **stream** (`due` runs scheduled at `rate` per second from T0, the latency from each run's scheduled
/// time to its submission). Submission times come from the store's "submitted as" history entries.
enum EndToEndBenchmark {
    enum Gateway {
        case serve
        case inProcess(synchronousFull: Bool)
    }

    struct Result {
        var runsPerSecond: Double
        var p50: Double
        var p99: Double
        var max: Double
        var submitted: Int
        var rssMiB: Double
        var peakRSSMiB: Double
    }

    static let poolName = "ecs-bench"

    static func measure(root: URL, gateway: Gateway, storeRuns: Int, due: Int, rate: Double?, directory: URL) async throws -> Result {
        let emulator = try PushgateChild.emulator(directory: directory)
        defer { emulator.process.terminate() }
        let path = directory.appendingPathComponent("e2e-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let synchronousFull: Bool
        if case .inProcess(let full) = gateway { synchronousFull = full } else { synchronousFull = true }
        let store = try await SQLiteStore.open(path: path, configuration: SQLiteStore.Configuration(synchronousFull: synchronousFull))
        // T0 lies a little after the store is built, so the gateway is already running (idle) at T0.
        let lead = 4.0 + Double(storeRuns) / 40_000
        let t0 = Date().addingTimeInterval(lead)
        try await fill(store, root: root, storeRuns: storeRuns, due: due, rate: rate, t0: t0)

        let deadline = t0.addingTimeInterval(120 + Double(due) / 100)
        let status: (rss: Double, peak: Double)
        switch gateway {
        case .serve:
            status = try await runServe(
                database: path,
                credentials: emulator.credentialsPath,
                templates: root.appendingPathComponent("templates"),
                due: due,
                t0: t0,
                lead: lead,
                deadline: deadline
            )
        case .inProcess:
            status = try await runInProcess(store: store, credentials: emulator.credentialsPath, due: due, t0: t0, lead: lead, deadline: deadline)
        }
        let (latencies, lastSubmission) = try await submissionLatencies(store, due: due, t0: t0)
        await store.close()
        guard latencies.count == due else { throw BenchError("end to end: \(latencies.count) of \(due) due runs were submitted") }
        let span = lastSubmission.timeIntervalSince(t0)
        return Result(
            runsPerSecond: Double(due) / span,
            p50: latencies[latencies.count / 2],
            p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            max: latencies.last ?? .nan,
            submitted: latencies.count,
            rssMiB: status.rss,
            peakRSSMiB: status.peak
        )
    }

    /// One ECS pool and deployment, `due` runs due from T0 (at once, or at `rate` per second) and the rest a day later.
    private static func fill(_ store: SQLiteStore, root: URL, storeRuns: Int, due: Int, rate: Double?, t0: Date) async throws {
        let setupTime = Date()
        let template = String(decoding: try RenderBenchmark.templateData(root: root), as: UTF8.self)
        _ = try await store.createPool(
            WorkPoolSpec(name: poolName, type: ProviderKind.ecs.rawValue, baseJobTemplate: template, credentialsProfile: "emulator"),
            now: setupTime
        )
        var variables = EmulatorRegistration.ecs.deploymentVariables.objectValue ?? [:]
        variables["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/flows:2026.11"
        variables["env"] = ["STAGE": "bench"]
        _ = try await store.createDeployment(
            DeploymentSpec(name: "etl", poolName: poolName, jobVariables: JSONValue.object(variables).serialized()),
            now: setupTime
        )
        var index = 0
        while index < storeRuns {
            let count = min(100_000, storeRuns - index)
            let specs = (index..<(index + count)).map { i -> FlowRunSpec in
                let scheduled = i < due ? rate.map { t0.addingTimeInterval(Double(i) / $0) } ?? t0 : t0.addingTimeInterval(86_400 + Double(i))
                return FlowRunSpec(deploymentName: "etl", scheduledTime: scheduled)
            }
            _ = try await store.createRuns(specs, now: setupTime)
            index += count
        }
    }

    /// `pushgate serve` on the store until `due` submissions show in its metrics; returns its RSS.
    private static func runServe(
        database: String,
        credentials: String,
        templates: URL,
        due: Int,
        t0: Date,
        lead: Double,
        deadline: Date
    ) async throws -> (rss: Double, peak: Double) {
        let port = try LoopbackPort.free()
        let token = "bench-\(UUID().uuidString)"
        let serve = try PushgateChild.start(
            [
                "--db", database, "serve", "--credentials", credentials, "--listen", "127.0.0.1:\(port)", "--token", token,
                "--rate", "1000000", "--replica", "bench",
            ],
            environment: ["PUSHGATE_TEMPLATES": templates.path]
        )
        defer { serve.terminate() }
        let http = try CurlHTTPClient()
        defer { http.shutdown() }
        let metrics = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/metrics", headers: ["Authorization": "Bearer \(token)"])
        func submitted() async -> Int {
            guard let response = try? await http.execute(metrics), response.status == 200 else { return -1 }
            // `pushgate_submissions_total{outcome="submitted",provider="ecs:push",replica="bench"} 20000`
            let line = String(decoding: response.body, as: UTF8.self).split(separator: "\n").first {
                $0.hasPrefix("pushgate_submissions_total{") && $0.contains(#"outcome="submitted""#) && $0.contains(#"provider="ecs:push""#)
            }
            return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
        }
        while await submitted() < 0 {
            guard serve.isRunning, Date() < t0 else {
                throw BenchError("end to end: pushgate serve did not answer /metrics before T0 (\(lead) s lead)")
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        // A scrape counts the store's runs, so progress is checked four times a second, not more.
        while await submitted() < due && Date() < deadline && serve.isRunning {
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        let status = ClaimBenchmark.processStatus(pid: serve.pid)
        serve.terminate()
        return status
    }

    /// The dispatcher alone, in this process, until `due` submissions are recorded; returns this process's RSS.
    private static func runInProcess(
        store: SQLiteStore,
        credentials: String,
        due: Int,
        t0: Date,
        lead: Double,
        deadline: Date
    ) async throws -> (rss: Double, peak: Double) {
        let clock = SystemClock()
        let http = try CurlHTTPClient(configuration: CurlHTTPClientConfiguration(maxConnectionsPerHost: 64))
        defer { http.shutdown() }
        let provider = try ProviderRegistration.ecs.makeProvider(
            .init(
                credentials: try CredentialsFile.load(path: credentials, kinds: ProviderRegistry.profileKinds),
                profile: "emulator",
                http: http,
                clock: clock
            )
        )
        let providers = SingleProviderDirectory(provider: provider)
        let logger = Logger(level: .error) { line in FileHandle.standardError.write(Data(line.utf8)) }
        let metrics = MetricsRegistry()
        let dispatcher = Dispatcher(
            store: store,
            providers: providers,
            pacer: Pacer(configuration: .uniform(perSecond: 1_000_000, burst: 1_000_000), clock: clock),
            configuration: DispatcherConfiguration(owner: "bench"),
            clock: clock,
            metrics: metrics,
            logger: logger
        )
        func submitted() -> Int {
            Int(metrics.value("pushgate_submissions_total", labels: ["provider": ProviderKind.ecs.rawValue, "outcome": "submitted"]) ?? 0)
        }
        guard Date() < t0 else { throw BenchError("end to end: the store took longer to build than the \(lead) s lead") }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await dispatcher.run() }
            while submitted() < due && Date() < deadline { try? await Task.sleep(nanoseconds: 5_000_000) }
            // Stop claiming; run() returns once the submissions under way are recorded.
            dispatcher.stopClaiming()
        }
        return ClaimBenchmark.processStatus()
    }

    /// Due-to-submitted latencies (ms, sorted) of the runs submitted at or after T0, from the store (untimed).
    private static func submissionLatencies(_ store: SQLiteStore, due: Int, t0: Date) async throws -> ([Double], Date) {
        var latencies: [Double] = []
        var lastSubmission = t0
        let states: [RunState] = [.pending, .running, .completed, .failed, .crashed, .cancelling, .cancelled]
        for run in try await store.runs(FlowRunFilter(states: states, poolName: poolName, limit: due + 1)) {
            guard let submitted = try await store.history(runID: run.id).last(where: { $0.reason.hasPrefix("submitted as") }) else { continue }
            latencies.append(submitted.at.timeIntervalSince(run.scheduledTime) * 1000)
            lastSubmission = max(lastSubmission, submitted.at)
        }
        return (latencies.sorted(), lastSubmission)
    }

    static func run(root: URL, gateway: Gateway, storeRuns: Int, due: Int, rate: Double?, rounds: Int) async throws -> [Result] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-e2e-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var results: [Result] = []
        for _ in 0..<rounds {
            results.append(try await measure(root: root, gateway: gateway, storeRuns: storeRuns, due: due, rate: rate, directory: directory))
        }
        return results
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The one ECS provider the in-process benchmark submits with, whatever the pool.
struct SingleProviderDirectory: ProviderDirectory {
    let provider: any Provider
    func provider(for pool: WorkPool) throws -> any Provider { provider }
}
