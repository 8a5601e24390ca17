import Foundation
import PushgateCore
import PushgateStore

/// Claims per second with 1, 2 and 3 replicas claiming from one PostgreSQL database at once, each replica a
/// separate ``PostgresStore`` with its own connection pool (as separate gateway processes would be), beside
/// SQLite with the same number of separate stores on one file. Both stores hold the same seed: `runs` runs,
/// `due` of them due, in two queues with no limits, so claims never stall and nothing needs completing while
/// the clock runs; claimed runs are completed between rounds, untimed, so in-flight counts stay small.
enum PostgresClaimBenchmark {
    struct Result {
        var replicas: Int
        var postgres: [Double]
        var sqlite: [Double]
    }

    /// Runs the benchmark against the server at `serverURL` (any database there; a fresh one is created
    /// and dropped) and returns one table row per replica count.
    static func rows(
        serverURL: String,
        runs: Int = 100_000,
        claimsPerReplica: Int = 1_000,
        rounds: Int = 3
    ) async throws
        -> [BenchRow]
    {
        try await run(serverURL: serverURL, runs: runs, claimsPerReplica: claimsPerReplica, rounds: rounds).map { result in
            BenchRow(
                workload: "claim 1 run, \(runs) runs, \(result.replicas) replica(s) claiming at once",
                unit: "claims/s",
                pushgate: Measurement(samples: result.postgres),
                peerName: "SQLite, \(result.replicas) store(s) on one file",
                peer: Measurement(samples: result.sqlite),
                lowerIsBetter: false,
                note: "PostgreSQL (loopback, one pool of 2 connections per replica) vs SQLite"
            )
        }
    }

    static func run(serverURL: String, runs: Int, claimsPerReplica: Int, rounds: Int) async throws -> [Result] {
        let due = claimsPerReplica * 6 * rounds + 1_000
        let database = "pushgate_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        _ = try await PostgresStore.execute("CREATE DATABASE \(database)", at: serverURL)
        let url = databaseURL(serverURL, database)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-pgbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("claims.db").path

        var results: [Result] = []
        do {
            let postgresSetup = try await PostgresStore.open(url)
            try await seed(postgresSetup, runs: runs, due: due)
            let sqliteSetup = try await SQLiteStore.open(path: path)
            try await seed(sqliteSetup, runs: runs, due: due)
            for replicas in 1...3 {
                var result = Result(replicas: replicas, postgres: [], sqlite: [])
                for _ in 0..<rounds {
                    var stores: [any Store] = []
                    for _ in 0..<replicas { stores.append(try await PostgresStore.open(url, configuration: .init(maxConnections: 2))) }
                    result.postgres.append(try await claimsPerSecond(stores, claims: claimsPerReplica, cleanup: postgresSetup))
                    stores.removeAll()
                    for _ in 0..<replicas { stores.append(try await SQLiteStore.open(path: path, configuration: .init(busyTimeout: 30))) }
                    result.sqlite.append(try await claimsPerSecond(stores, claims: claimsPerReplica, cleanup: sqliteSetup))
                }
                results.append(result)
            }
            await postgresSetup.close()
            await sqliteSetup.close()
        } catch {
            _ = try? await PostgresStore.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)", at: serverURL)
            throw error
        }
        _ = try await PostgresStore.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)", at: serverURL)
        return results
    }

    static let base = Date(timeIntervalSince1970: 1_767_225_600)

    /// The same shape as ClaimBenchmark's store, without limits: two queues, two deployments, `due` runs due.
    static func seed(_ store: any Store, runs: Int, due: Int) async throws {
        let template = #"{"job_configuration": {}, "variables": {"type": "object", "properties": {}}}"#
        _ = try await store.createPool(WorkPoolSpec(name: "bench", type: "ecs:push", baseJobTemplate: template), now: base)
        _ = try await store.createQueue(pool: "bench", WorkQueueSpec(name: "hi", priority: 1), now: base)
        _ = try await store.createQueue(pool: "bench", WorkQueueSpec(name: "lo", priority: 5), now: base)
        _ = try await store.createDeployment(DeploymentSpec(name: "d-hi", poolName: "bench", queueName: "hi"), now: base)
        _ = try await store.createDeployment(DeploymentSpec(name: "d-lo", poolName: "bench", queueName: "lo"), now: base)
        var index = 0
        while index < runs {
            let count = min(10_000, runs - index)
            let specs = (index..<(index + count)).map { i -> FlowRunSpec in
                let scheduled = i < due ? base.addingTimeInterval(-Double(due - i)) : base.addingTimeInterval(3_600 + Double(i) * 0.25)
                return FlowRunSpec(deploymentName: i % 3 == 0 ? "d-hi" : "d-lo", scheduledTime: scheduled)
            }
            _ = try await store.createRuns(specs, now: base)
            index += count
        }
    }

    /// Every store claims `claims` single runs in a loop, all at once; the figure is all claims over the
    /// wall time. Afterwards (untimed) the claimed runs are completed through `cleanup` and the stores closed.
    static func claimsPerSecond(_ stores: [any Store], claims: Int, cleanup: any Store) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    var ids: [String] = []
                    ids.reserveCapacity(claims)
                    for _ in 0..<claims {
                        ids += try await store.claim(pool: "bench", owner: "replica\(index)", limit: 1, leaseDuration: 600, now: base).map(\.id)
                    }
                    return ids
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        let elapsed = clock.now - start
        guard Set(claimed).count == claimed.count, claimed.count == claims * stores.count else {
            throw BenchmarkFailure("expected \(claims * stores.count) distinct claims, got \(claimed.count) (\(Set(claimed).count) distinct)")
        }
        for id in claimed { _ = try await cleanup.markTerminal(runID: id, state: .completed, reason: "bench", now: base) }
        for store in stores { await store.close() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(claimed.count) / seconds
    }

    /// `base` pointed at `database`: the URL's path replaced, or `dbname=` appended to a key=value string.
    static func databaseURL(_ base: String, _ database: String) -> String {
        guard base.contains("://"), var components = URLComponents(string: base) else { return base + " dbname=\(database)" }
        components.path = "/" + database
        return components.string ?? base
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
