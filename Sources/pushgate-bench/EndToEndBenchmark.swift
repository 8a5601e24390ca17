import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateServer
import PushgateStore

/// Runs from due to submitted through the whole in-process gateway: a SQLite store of `storeRuns` runs,
/// the ``Dispatcher`` (claim by priority and limits, template render, SigV4, RunTask) wired as
/// `pushgate serve` wires it (CredentialsProviderDirectory over a credentials file, CurlHTTPClient,
/// Pacer), submitting to the loopback fake ECS of `pushgate emulate`, run as a separate process so the
/// gateway's CPU and RSS are its own; the fake verifies every signature. Pacing is set out of the way (no
/// provider quota applies to the emulator). No poller runs. RSS is this process's: the gateway plus the
/// benchmark's own setup of the store.
///
/// Two shapes: a **burst** (`due` runs all become due at the same instant T0, measured as runs/s from
/// T0 to the last submission), and a **stream** (`due` runs scheduled at `rate` per second from T0, the
/// latency from each run's scheduled time to its submission). Submission times come from the store's
/// "submitted as" history entries, scheduled times from the runs.
enum EndToEndBenchmark {
    struct Result {
        var runsPerSecond: Double
        var p50: Double
        var p99: Double
        var max: Double
        var submitted: Int
        var rssMiB: Double
        var peakRSSMiB: Double
    }

    static func measure(root: URL, storeRuns: Int, due: Int, rate: Double?, synchronousFull: Bool, directory: URL) async throws -> Result {
        let emulator = try EmulatorProcess(directory: directory)
        defer { emulator.stop() }
        let path = directory.appendingPathComponent("e2e-\(UUID().uuidString).db").path
        let store = try await SQLiteStore.open(path: path, configuration: SQLiteStore.Configuration(synchronousFull: synchronousFull))
        let setupTime = Date()
        let template = String(decoding: try RenderBenchmark.templateData(root: root), as: UTF8.self)
        _ = try await store.createPool(WorkPoolSpec(name: "ecs-bench", type: ProviderKind.ecs.rawValue, baseJobTemplate: template, credentialsProfile: "emulator"), now: setupTime)
        var variables = EmulatorSuite.deploymentVariables(for: .ecs).objectValue ?? [:]
        variables["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/flows:2026.11"
        variables["env"] = ["STAGE": "bench"]
        _ = try await store.createDeployment(
            DeploymentSpec(name: "etl", poolName: "ecs-bench", jobVariables: JSONValue.object(variables).serialized()), now: setupTime)
        // T0 lies a little after the store is built, so the dispatcher is already running (idle) at T0.
        let lead = 3.0 + Double(storeRuns) / 50_000
        let t0 = Date().addingTimeInterval(lead)
        var index = 0
        while index < storeRuns {
            let count = min(100_000, storeRuns - index)
            let specs = (index..<(index + count)).map { i -> FlowRunSpec in
                let scheduled: Date
                if i < due {
                    scheduled = rate.map { t0.addingTimeInterval(Double(i) / $0) } ?? t0
                } else {
                    scheduled = t0.addingTimeInterval(86_400 + Double(i))
                }
                return FlowRunSpec(deploymentName: "etl", scheduledTime: scheduled)
            }
            _ = try await store.createRuns(specs, now: setupTime)
            index += count
        }

        let clock = SystemClock()
        let http = try CurlHTTPClient(configuration: CurlHTTPClientConfiguration(maxConnectionsPerHost: 64))
        defer { http.shutdown() }
        let credentials = try CredentialsFile.load(path: emulator.credentialsPath)
        let providers = CredentialsProviderDirectory(credentials: credentials, http: http, clock: clock)
        let logger = Logger(level: .error) { line in FileHandle.standardError.write(Data(line.utf8)) }
        let metrics = MetricsRegistry()
        let dispatcher = Dispatcher(
            store: store, providers: providers, pacer: Pacer(configuration: .uniform(perSecond: 1_000_000, burst: 1_000_000), clock: clock),
            configuration: DispatcherConfiguration(owner: "bench"), clock: clock, metrics: metrics, logger: logger)
        func submitted() -> Int {
            Int(metrics.value("pushgate_submissions_total", labels: ["provider": ProviderKind.ecs.rawValue, "outcome": "submitted"]) ?? 0)
        }
        guard Date() < t0 else { throw BenchError("end to end: the store took longer to build than the \(lead) s lead") }
        let task = Task { await dispatcher.run() }
        // Wait until every due run has reached the emulator (or give up after a generous deadline).
        let deadline = t0.addingTimeInterval(120 + Double(due) / 100)
        while submitted() < due && Date() < deadline {
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        // Stop claiming; run() returns once the submissions under way are recorded.
        dispatcher.stopClaiming()
        _ = await task.result
        let status = ClaimBenchmark.processStatus()

        // Scheduled and submission times from the store (untimed).
        var latencies: [Double] = []
        var lastSubmission = t0
        let pending = try await store.runs(FlowRunFilter(states: [.pending], poolName: "ecs-bench", limit: due + 1))
        for run in pending {
            guard let submitted = try await store.history(runID: run.id).last(where: { $0.reason.hasPrefix("submitted as") }) else { continue }
            latencies.append(submitted.at.timeIntervalSince(run.scheduledTime) * 1000)
            if submitted.at > lastSubmission { lastSubmission = submitted.at }
        }
        await store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        guard latencies.count == due else {
            throw BenchError("end to end: \(latencies.count) of \(due) due runs were submitted (the dispatcher counted \(submitted()))")
        }
        latencies.sort()
        let span = lastSubmission.timeIntervalSince(t0)
        return Result(
            runsPerSecond: Double(due) / span, p50: latencies[latencies.count / 2], p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            max: latencies.last ?? .nan, submitted: latencies.count, rssMiB: status.rss, peakRSSMiB: status.peak)
    }

    static func run(root: URL, storeRuns: Int, due: Int, rate: Double?, synchronousFull: Bool, rounds: Int) async throws -> [Result] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-e2e-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var results: [Result] = []
        for _ in 0..<rounds { results.append(try await measure(root: root, storeRuns: storeRuns, due: due, rate: rate, synchronousFull: synchronousFull, directory: directory)) }
        return results
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
