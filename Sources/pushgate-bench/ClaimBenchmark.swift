import Foundation
import PushgateCore
import PushgateStore

/// Claim throughput and latency with 10k, 100k and 1M scheduled runs in a SQLite store, most of them not
/// due: the claim reads only due runs through the partial index, so its cost should not grow with the
/// backlog (goal: the time at 1M within 1.5x of the time at 10k).
enum ClaimBenchmark {
    struct Result {
        var runs: Int
        var insertSeconds: Double
        var claimsPerSecond: Double
        /// Milliseconds per claim.
        var p50: Double
        var p99: Double
        /// Resident set size after the store was built and claimed from, in MiB.
        var rssMiB: Double
        var peakRSSMiB: Double
        var databaseMiB: Double
    }

    /// Builds a store of `runs` runs (`due` of them due, the rest scheduled over the next days) and times
    /// `claims` single-run claims, completing each claimed run untimed so in-flight counts stay small.
    static func measure(runs: Int, due: Int = 2_000, claims: Int = 1_000, directory: URL) async throws -> Result {
        let path = directory.appendingPathComponent("claims-\(runs).db").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try await SQLiteStore.open(path: path)
        let base = BenchStore.base
        let started = Date()
        try await BenchStore.populate(store, runs: runs, due: due)
        let insertSeconds = Date().timeIntervalSince(started)

        var latencies: [Double] = []
        latencies.reserveCapacity(claims)
        let clock = ContinuousClock()
        var measured: Duration = .zero
        for _ in 0..<claims {
            let start = clock.now
            let claimed = try await store.claim(pool: "bench", owner: "bench", limit: 1, leaseDuration: 60, now: base)
            let elapsed = clock.now - start
            measured += elapsed
            latencies.append(milliseconds(elapsed))
            for run in claimed {
                _ = try await store.markTerminal(runID: run.id, state: .completed, reason: "bench", now: base)
            }
        }
        latencies.sort()
        let status = processStatus()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        await store.close()
        return Result(
            runs: runs,
            insertSeconds: insertSeconds,
            claimsPerSecond: Double(claims) / (milliseconds(measured) / 1000),
            p50: latencies[latencies.count / 2],
            p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            rssMiB: status.rss,
            peakRSSMiB: status.peak,
            databaseMiB: Double(size) / 1_048_576
        )
    }

    /// 10k, 100k and 1M runs, in that order, in one temporary directory removed afterwards.
    static func run(sizes: [Int] = [10_000, 100_000, 1_000_000]) async throws -> [Result] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-claim-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var results: [Result] = []
        for size in sizes { results.append(try await measure(runs: size, directory: directory)) }
        return results
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// VmRSS and VmHWM from /proc/self/status, in MiB (0 where unavailable).
    /// VmRSS and VmHWM (peak) in MiB of this process, or of `pid`.
    static func processStatus(pid: Int32? = nil) -> (rss: Double, peak: Double) {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kilobytes / 1024
        }
        return (value("VmRSS"), value("VmHWM"))
    }
}
