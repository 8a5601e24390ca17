import Foundation
import PushgateCore
import PushgateStore

/// The scale workload's starting store, built once and cached under `.build-bench/` (issue 22): a month of
/// a company's runs. `finished` runs taken through claim, submit, running, completed and clean-up (four
/// history rows each, as `serve` writes them) and `scheduled` runs a year ahead, all in pool
/// ``EndToEndBenchmark/poolName``; plus ``fairPools`` idle ECS pools over ``accounts`` credentials
/// profiles for the fairness round. A new layout changes the file name, so a stale cache is never used.
enum ScaleStore {
    static let fairPools = 50
    static let accounts = 10

    static func fairPool(_ index: Int) -> String { String(format: "fair-%02d", index) }
    static func fairDeployment(_ index: Int) -> String { fairPool(index) + "-etl" }
    static func account(_ index: Int) -> String { "acct-\(index % accounts)" }
    static var profiles: [String] { (0..<accounts).map(account) }

    /// The cached store's path, built first when missing (minutes for 1M runs; progress on stderr).
    static func path(root: URL, finished: Int, scheduled: Int) async throws -> String {
        let directory = root.appendingPathComponent(".build-bench")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("scale-v1-\(finished)-finished-\(scheduled)-scheduled.db").path
        if FileManager.default.fileExists(atPath: path) { return path }
        let building = path + ".building"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building + suffix) }
        let started = Date()
        progress("scale: building the cached store \(path) (\(finished) finished + \(scheduled) scheduled runs, once)")
        let store = try await SQLiteStore.open(path: building)
        let now = BenchStore.base
        try await EndToEndBenchmark.createECSPool(
            store,
            root: root,
            name: EndToEndBenchmark.poolName,
            deployment: "etl",
            profile: "emulator",
            now: now
        )
        for index in 0..<fairPools {
            try await EndToEndBenchmark.createECSPool(
                store,
                root: root,
                name: fairPool(index),
                deployment: fairDeployment(index),
                profile: account(index),
                now: now
            )
        }
        var done = 0
        while done < finished {
            let chunk = min(100_000, finished - done)
            try await PruneBenchmark.finishRuns(store, pool: EndToEndBenchmark.poolName, deployment: "etl", count: chunk, base: now)
            done += chunk
            progress(String(format: "scale: %d finished runs (%.0f s)", done, Date().timeIntervalSince(started)))
        }
        let ahead = Date().addingTimeInterval(365 * 86_400)
        var made = 0
        while made < scheduled {
            let count = min(100_000, scheduled - made)
            let specs = (made..<(made + count)).map { i in
                FlowRunSpec(deploymentName: "etl", scheduledTime: ahead.addingTimeInterval(Double(i) * 2.5))
            }
            _ = try await store.createRuns(specs, now: now)
            made += count
        }
        await store.close()
        try? FileManager.default.removeItem(atPath: building + "-shm")
        guard !FileManager.default.fileExists(atPath: building + "-wal") else {
            throw BenchError("scale: \(building)-wal remained after close; the store was not checkpointed")
        }
        try FileManager.default.moveItem(atPath: building, toPath: path)
        progress(String(format: "scale: cached store built in %.0f s", Date().timeIntervalSince(started)))
        return path
    }

    /// Bytes of the store file.
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }
}
