import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateServer
import PushgateStore
import PushgateTestSupport

/// Runs from due to submitted through the gateway, on a SQLite store of many runs (``Layout``), submitting to the
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
        /// Runs submitted but not yet finished when RSS was read.
        var inFlight: Int
        /// Milliseconds from T0 to each pool's first submission.
        var firstSubmissionByPool: [String: Double]
    }

    /// What the store holds before the gateway starts.
    struct Layout {
        /// A store file to start from, copied for each round (``ScaleStore``); nil: one pool ``poolName``
        /// with deployment `etl` and `backgroundRuns` runs a day ahead, built per round.
        var baseStore: String?
        var backgroundRuns: Int
        /// The due runs, by deployment (all due at T0, or at `rate` per second from T0 in this order).
        var due: [(deployment: String, count: Int)]
        /// Extra `[aws NAME]` profiles, copies of the emulator's (each its own pacing account).
        var profiles: [String] = []

        var dueCount: Int { due.reduce(0) { $0 + $1.count } }

        static func single(storeRuns: Int, due: Int) -> Layout {
            Layout(baseStore: nil, backgroundRuns: storeRuns - due, due: [("etl", due)])
        }
    }

    static let poolName = "ecs-bench"

    static func measure(root: URL, gateway: Gateway, layout: Layout, rate: Double?, directory: URL) async throws -> Result {
        let emulator = try PushgateChild.emulator(directory: directory)
        defer { emulator.process.terminate() }
        let credentials = try credentialsFile(emulator.credentialsPath, adding: layout.profiles, directory: directory)
        let path = directory.appendingPathComponent("e2e-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        if let base = layout.baseStore { try FileManager.default.copyItem(atPath: base, toPath: path) }
        let synchronousFull: Bool
        if case .inProcess(let full) = gateway { synchronousFull = full } else { synchronousFull = true }
        let store = try await SQLiteStore.open(path: path, configuration: SQLiteStore.Configuration(synchronousFull: synchronousFull))
        // T0 lies a little after the store is built, so the gateway is already running (idle) at T0.
        let due = layout.dueCount
        let lead = 4.0 + Double(layout.baseStore == nil ? layout.backgroundRuns + due : due) / 40_000
        let t0 = Date().addingTimeInterval(lead)
        if layout.baseStore == nil { try await createPool(store, root: root, backgroundRuns: layout.backgroundRuns, t0: t0) }
        try await createDueRuns(store, layout: layout, rate: rate, t0: t0)

        let deadline = t0.addingTimeInterval(120 + Double(due) / 100)
        let status: (rss: Double, peak: Double, inFlight: Int)
        switch gateway {
        case .serve:
            status = try await runServe(
                store: store,
                database: path,
                credentials: credentials,
                templates: root.appendingPathComponent("templates"),
                due: due,
                t0: t0,
                lead: lead,
                deadline: deadline
            )
        case .inProcess:
            status = try await runInProcess(store: store, credentials: credentials, due: due, t0: t0, lead: lead, deadline: deadline)
        }
        let submissions = try await submissions(store, due: due, t0: t0, span: rate.map { Double(due) / $0 } ?? 0)
        await store.close()
        guard submissions.latencies.count == due else {
            throw BenchError("end to end: \(submissions.latencies.count) of \(due) due runs were submitted")
        }
        let latencies = submissions.latencies
        return Result(
            runsPerSecond: Double(due) / submissions.last.timeIntervalSince(t0),
            p50: latencies[latencies.count / 2],
            p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            max: latencies.last ?? .nan,
            submitted: latencies.count,
            rssMiB: status.rss,
            peakRSSMiB: status.peak,
            inFlight: status.inFlight,
            firstSubmissionByPool: submissions.firstByPool
        )
    }

    /// One ECS pool (profile `emulator`) and deployment `etl`, with `backgroundRuns` runs a day after T0.
    static func createPool(_ store: SQLiteStore, root: URL, backgroundRuns: Int, t0: Date) async throws {
        let setupTime = Date()
        try await createECSPool(store, root: root, name: poolName, deployment: "etl", profile: "emulator", now: setupTime)
        var index = 0
        while index < backgroundRuns {
            let count = min(100_000, backgroundRuns - index)
            let specs = (index..<(index + count)).map { i in
                FlowRunSpec(deploymentName: "etl", scheduledTime: t0.addingTimeInterval(86_400 + Double(i)))
            }
            _ = try await store.createRuns(specs, now: setupTime)
            index += count
        }
    }

    /// An ECS pool on the shipped template with a deployment whose image and env are set.
    static func createECSPool(_ store: SQLiteStore, root: URL, name: String, deployment: String, profile: String, now: Date) async throws {
        let template = String(decoding: try RenderBenchmark.templateData(root: root), as: UTF8.self)
        _ = try await store.createPool(
            WorkPoolSpec(name: name, type: ProviderKind.ecs.rawValue, baseJobTemplate: template, credentialsProfile: profile),
            now: now
        )
        var variables = EmulatorRegistration.ecs.deploymentVariables.objectValue ?? [:]
        variables["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/flows:2026.11"
        variables["env"] = ["STAGE": "bench"]
        _ = try await store.createDeployment(
            DeploymentSpec(name: deployment, poolName: name, jobVariables: JSONValue.object(variables).serialized()),
            now: now
        )
    }

    /// The layout's due runs: all at T0, or one every 1/`rate` s from T0 (deployments interleaved).
    private static func createDueRuns(_ store: SQLiteStore, layout: Layout, rate: Double?, t0: Date) async throws {
        var remaining = layout.due.map(\.count)
        var specs: [FlowRunSpec] = []
        specs.reserveCapacity(layout.dueCount)
        while specs.count < layout.dueCount {
            for (index, entry) in layout.due.enumerated() where remaining[index] > 0 {
                remaining[index] -= 1
                let scheduled = rate.map { t0.addingTimeInterval(Double(specs.count) / $0) } ?? t0
                specs.append(FlowRunSpec(deploymentName: entry.deployment, scheduledTime: scheduled))
            }
        }
        _ = try await store.createRuns(specs, now: Date())
    }

    /// The emulator's credentials file with `profiles` added as copies of its `[aws emulator]` section.
    private static func credentialsFile(_ path: String, adding profiles: [String], directory: URL) throws -> String {
        guard !profiles.isEmpty else { return path }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var section: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("[") { inside = line.trimmingCharacters(in: .whitespaces) == "[aws emulator]" } else if inside { section.append(line) }
        }
        let body = section.joined(separator: "\n")
        let extra = profiles.map { "\n[aws \($0)]\n" + body }.joined()
        let out = directory.appendingPathComponent("credentials-\(UUID().uuidString)").path
        try (text + extra).write(toFile: out, atomically: true, encoding: .utf8)
        return out
    }

    /// `pushgate serve` on the store until `due` submissions show in its metrics; returns its RSS.
    private static func runServe(
        store: SQLiteStore,
        database: String,
        credentials: String,
        templates: URL,
        due: Int,
        t0: Date,
        lead: Double,
        deadline: Date
    ) async throws -> (rss: Double, peak: Double, inFlight: Int) {
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
            let lines = String(decoding: response.body, as: UTF8.self).split(separator: "\n").filter {
                $0.hasPrefix("pushgate_submissions_total{") && $0.contains(#"outcome="submitted""#) && $0.contains(#"provider="ecs:push""#)
            }
            return lines.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0) { $0 + Int($1) }
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
        let inFlight = try await inFlight(store, due: due)
        serve.terminate()
        return (status.rss, status.peak, inFlight)
    }

    /// Runs submitted and not finished (Pending, Running, Cancelling), read beside the gateway.
    private static func inFlight(_ store: SQLiteStore, due: Int) async throws -> Int {
        try await store.runs(FlowRunFilter(states: [.pending, .running, .cancelling], limit: due + 1)).count
    }

    /// The dispatcher alone, in this process, until `due` submissions are recorded; returns this process's RSS.
    private static func runInProcess(
        store: SQLiteStore,
        credentials: String,
        due: Int,
        t0: Date,
        lead: Double,
        deadline: Date
    ) async throws -> (rss: Double, peak: Double, inFlight: Int) {
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
        let status = ClaimBenchmark.processStatus()
        return (status.rss, status.peak, try await inFlight(store, due: due))
    }

    /// Due-to-submitted latencies (ms, sorted) of the runs scheduled from T0 (for `span` seconds), the last
    /// submission, and each pool's first submission after T0 (ms), from the store's history (untimed).
    private static func submissions(
        _ store: SQLiteStore,
        due: Int,
        t0: Date,
        span: TimeInterval
    ) async throws -> (latencies: [Double], last: Date, firstByPool: [String: Double]) {
        var latencies: [Double] = []
        var lastSubmission = t0
        var firstByPool: [String: Double] = [:]
        let states: [RunState] = [.pending, .running, .completed, .failed, .crashed, .cancelling, .cancelled]
        let filter = FlowRunFilter(states: states, scheduledFrom: t0, scheduledUntil: t0.addingTimeInterval(span + 1), limit: due + 1)
        for run in try await store.runs(filter) {
            guard let submitted = try await store.history(runID: run.id).last(where: { $0.reason.hasPrefix("submitted as") }) else { continue }
            latencies.append(submitted.at.timeIntervalSince(run.scheduledTime) * 1000)
            lastSubmission = max(lastSubmission, submitted.at)
            let wait = submitted.at.timeIntervalSince(t0) * 1000
            firstByPool[run.poolName] = min(firstByPool[run.poolName] ?? wait, wait)
        }
        return (latencies.sorted(), lastSubmission, firstByPool)
    }

    static func run(root: URL, gateway: Gateway, storeRuns: Int, due: Int, rate: Double?, rounds: Int) async throws -> [Result] {
        try await run(root: root, gateway: gateway, layout: .single(storeRuns: storeRuns, due: due), rate: rate, rounds: rounds)
    }

    static func run(root: URL, gateway: Gateway, layout: Layout, rate: Double?, rounds: Int) async throws -> [Result] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-e2e-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var results: [Result] = []
        for _ in 0..<rounds {
            results.append(try await measure(root: root, gateway: gateway, layout: layout, rate: rate, directory: directory))
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
