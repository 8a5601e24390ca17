import Foundation
import PushgateCore
import PushgateStore
import PushgateTestSupport
import Synchronization
import Testing

/// What only the PostgreSQL store has: replicas sharing one database, reconnection, connection strings.
/// The behaviour both stores share is tested for both by the suites parameterised by ``StoreBackend``.
@Suite(.enabled(if: PostgresTestDatabase.isEnabled)) struct PostgresStoreTests {
    static let template = StoreFixture.template

    /// Three replicas (separate stores, each with its own pool of connections) claim from one database at
    /// once, with several claimers each, while runs complete: no run is claimed twice, no limit is ever
    /// exceeded, and every run is claimed exactly once in the end.
    @Test func replicasNeverDoubleClaimOrExceedLimits() async throws {
        let url = try await PostgresTestDatabase.create()
        let setup = try await PostgresStore.open(url)
        try await ConcurrentClaimScenario.seed(setup, runs: 300, now: Date())
        var replicas: [PostgresStore] = []
        for _ in 0..<3 { replicas.append(try await PostgresStore.open(url, configuration: .init(maxConnections: 3))) }
        let log = try await ConcurrentClaimScenario.run(claimers: replicas, monitor: setup)
        try await ConcurrentClaimScenario.expectEachRunClaimedOnce(log, runs: 300, store: setup)
        for store in replicas { await store.close() }
        await setup.close()
    }

    /// Replicas claiming at once, with nothing completing, fill every limit exactly: the waterfall and
    /// limits come out as one claimer's would (the reference model of ClaimPropertyTests).
    @Test func concurrentClaimsFillLimitsExactlyAsOneClaimerWould() async throws {
        let url = try await PostgresTestDatabase.create()
        let setup = try await PostgresStore.open(url)
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        try await ConcurrentClaimScenario.seed(setup, runs: 60, now: now)
        let expected = ReferenceModel.expectedClaims(
            pool: try await setup.pool(named: "p"),
            queues: try await setup.queues(pool: "p"),
            deployments: try await setup.deployments(pool: "p"),
            runs: try await setup.runs(FlowRunFilter(limit: 10_000)),
            now: now,
            limit: 1_000
        )
        var replicas: [PostgresStore] = []
        for _ in 0..<3 { replicas.append(try await PostgresStore.open(url, configuration: .init(maxConnections: 2))) }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, store) in replicas.enumerated() {
                for worker in 0..<2 {
                    group.addTask {
                        var mine: [String] = []
                        for _ in 0..<8 {
                            mine += try await store.claim(pool: "p", owner: "r\(index)w\(worker)", limit: 1, leaseDuration: 60, now: now).map(\.id)
                        }
                        return mine
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(claimed).count == claimed.count, "a run was claimed twice")
        #expect(Set(claimed) == Set(expected), "claimed \(claimed.count), the model takes \(expected.count)")
        #expect(try await ConcurrentClaimScenario.violations(setup).isEmpty)
        for store in replicas { await store.close() }
        await setup.close()
    }

    /// A replica that dies holding claims: once its leases expire, the other replicas take its runs over,
    /// splitting them without overlap; a replica that keeps renewing keeps its runs.
    @Test func expiredLeasesOfADeadReplicaAreTakenOverOnce() async throws {
        let url = try await PostgresTestDatabase.create()
        let dead = try await PostgresStore.open(url)
        let alive = try await PostgresStore.open(url)
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        try await ConcurrentClaimScenario.seed(dead, runs: 30, now: now)
        let lost = try await dead.claim(pool: "p", owner: "dead", limit: 6, leaseDuration: 30, now: now)
        let kept = try await alive.claim(pool: "p", owner: "alive", limit: 6, leaseDuration: 30, now: now)
        #expect(lost.count == 6 && kept.count == 6)
        await dead.close()
        let later = now.addingTimeInterval(20)
        for run in kept { _ = try await alive.renewLease(runID: run.id, owner: "alive", until: later.addingTimeInterval(30), now: later) }

        let expiry = now.addingTimeInterval(31)
        var survivors: [PostgresStore] = []
        for _ in 0..<3 { survivors.append(try await PostgresStore.open(url)) }
        let taken = try await withThrowingTaskGroup(of: [FlowRun].self) { group in
            for (index, store) in survivors.enumerated() {
                group.addTask {
                    try await store.reclaimExpiredLeases(pool: "p", owner: "survivor\(index)", leaseDuration: 30, now: expiry, limit: 100)
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(taken.count == lost.count)
        #expect(Set(taken.map(\.id)) == Set(lost.map(\.id)))
        #expect(taken.allSatisfy { $0.leaseOwner?.hasPrefix("survivor") == true && $0.attempt == 1 })
        #expect(try await alive.runs(FlowRunFilter(states: [.pending], limit: 100)).filter { $0.leaseOwner == "alive" }.count == 6)
        for store in survivors { await store.close() }
        await alive.close()
    }

    /// Backends terminated mid-run (`pg_terminate_backend`): the store reconnects and retries, and nothing
    /// committed is lost. A create whose COMMIT was cut off is reported, and retried with its idempotency key.
    @Test func reconnectsAfterBackendsAreTerminated() async throws {
        let url = try await PostgresTestDatabase.create()
        let store = try await PostgresStore.open(url, configuration: .init(maxConnections: 2))
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        _ = try await store.createPool(WorkPoolSpec(name: "p", type: "ecs:push", baseJobTemplate: Self.template), now: now)
        _ = try await store.createDeployment(DeploymentSpec(name: "d", poolName: "p"), now: now)
        let database = try #require(try await store.execute("SELECT current_database()").first?.first ?? nil)
        let killer = Task {
            var killed = 0
            for _ in 0..<15 {
                try await Task.sleep(nanoseconds: 20_000_000)
                let rows = try await PostgresStore.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()",
                    at: try PostgresTestDatabase.serverURL()
                )
                killed += rows.count
            }
            return killed
        }
        var created: [String] = []
        var claimed: [String] = []
        var ambiguous = 0
        for i in 0..<200 {
            let spec = FlowRunSpec(deploymentName: "d", scheduledTime: now, idempotencyKey: "k\(i)")
            while true {
                do {
                    created.append(try await store.createRun(spec, now: now).run.id)
                    break
                } catch let error as StoreError where error.code == .io && error.message.contains("during COMMIT") {
                    ambiguous += 1
                }
            }
            if i % 4 == 0 {
                do {
                    claimed += try await store.claim(pool: "p", owner: "o", limit: 1, leaseDuration: 60, now: now).map(\.id)
                } catch let error as StoreError where error.code == .io && error.message.contains("during COMMIT") {
                    ambiguous += 1  // the claim may or may not have happened; nothing is asserted about it
                }
            }
        }
        let killed = try await killer.value
        #expect(killed > 0, "no backend was terminated")
        let stored = try await store.runs(FlowRunFilter(limit: 1_000))
        #expect(stored.count == 200, "\(ambiguous) ambiguous commits")
        #expect(Set(stored.map(\.id)) == Set(created))
        for id in claimed { #expect(try await store.run(id: id).state == .pending) }
        await store.close()
    }

    /// The server restarts under an open store: the next calls reconnect and succeed, and the data is there.
    @Test func survivesADatabaseRestart() async throws {
        let server = try PostgresTestServer()
        defer { server.stop() }
        let store = try await PostgresStore.open(server.url())
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        _ = try await store.createPool(WorkPoolSpec(name: "p", type: "ecs:push", baseJobTemplate: Self.template), now: now)
        _ = try await store.createDeployment(DeploymentSpec(name: "d", poolName: "p"), now: now)
        let before = try await store.createRun(FlowRunSpec(deploymentName: "d"), now: now).run.id
        try server.restart()
        #expect(try await store.pools().map(\.name) == ["p"])
        let after = try await store.createRun(FlowRunSpec(deploymentName: "d"), now: now).run.id
        #expect(Set(try await store.runs(FlowRunFilter()).map(\.id)) == [before, after])
        let claimed = try await store.claim(pool: "p", owner: "o", limit: 5, leaseDuration: 60, now: now)
        #expect(claimed.count == 2)
        await store.close()
    }

    /// Replicas starting together on an empty database migrate it once.
    @Test func concurrentOpensMigrateOnce() async throws {
        let url = try await PostgresTestDatabase.create()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<5 { group.addTask { try await PostgresStore.open(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for store in stores { #expect(try await store.schemaVersion() == Schema.latestVersion) }
        #expect(try await stores[0].execute("SELECT COUNT(*) FROM schema_migrations") == [["\(Schema.migrations.count)"]])
        for store in stores { await store.close() }
    }

    /// A password planted in the connection string never shows in an error: not when connecting fails
    /// (the server echoes the database and role names, which here are the password too), not when a string
    /// cannot be parsed, not when a query fails, and not in the store's display name.
    @Test func passwordNeverAppearsInErrors() async throws {
        let secret = "pw" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let good = try await PostgresTestDatabase.create()
        var messages: [String] = []
        func capture(_ body: () async throws -> Void) async {
            do {
                try await body()
                Issue.record("expected a failure")
            } catch {
                messages.append("\(error)")
                if let error = error as? StoreError { messages.append(error.message) }
            }
        }
        let server = try PostgresTestDatabase.serverURL()
        let host = try #require(URLComponents(string: server))
        let port = host.port ?? 5432
        // The database named by the password does not exist: the server's message names it.
        await capture { _ = try await StoreFactory.open("postgresql://postgres:\(secret)@127.0.0.1:\(port)/\(secret)?sslmode=disable") }
        // Nothing listens on port 1.
        await capture { _ = try await StoreFactory.open("postgres://\(secret):\(secret)@127.0.0.1:1/db?connect_timeout=2") }
        await capture { _ = try await StoreFactory.open("host=127.0.0.1 port=1 user=\(secret) password='\(secret)' dbname=\(secret)") }
        // Unparseable strings with the password in them.
        await capture { _ = try await StoreFactory.open("host=127.0.0.1 password=\(secret) \(secret)") }
        await capture { _ = try await StoreFactory.open("postgresql://u:\(secret)@127.0.0.1:notaport/\(secret)") }
        // A query error that echoes the password, on a store opened with it in the URL.
        var components = URLComponents(string: good)
        components?.password = secret
        let withPassword = components?.string ?? (good + " password=\(secret)")
        let store = try await PostgresStore.open(withPassword)
        await capture { _ = try await store.execute("SELECT * FROM \"\(secret)\"") }
        await capture { _ = try await store.execute("SELECT '\(secret)'::int") }
        messages.append(store.info.displayName)
        messages.append("\(store.info)")
        await store.close()

        #expect(messages.count >= 9)
        for message in messages { #expect(!message.contains(secret), "leaked: \(message)") }
        #expect(messages.contains { $0.contains("***") }, "\(messages)")
        #expect(messages.contains { $0.contains("127.0.0.1") }, "messages still name the server: \(messages)")
    }

    @Test func factoryChoosesTheBackendFromTheLocation() async throws {
        #expect(PostgresConnectionInfo.isConnectionString("postgres://u@h/db"))
        #expect(PostgresConnectionInfo.isConnectionString("postgresql://h:5433/db?sslmode=verify-full"))
        #expect(PostgresConnectionInfo.isConnectionString("host=/tmp dbname=x sslmode=require"))
        #expect(PostgresConnectionInfo.isConnectionString("  dbname =x"))
        #expect(!PostgresConnectionInfo.isConnectionString("=x"))
        #expect(!PostgresConnectionInfo.isConnectionString("data/x=1.db"))
        #expect(!PostgresConnectionInfo.isConnectionString("./pushgate.db"))
        #expect(!PostgresConnectionInfo.isConnectionString("/var/lib/pushgate/state.db"))
        let postgres = try await StoreFactory.open(try await PostgresTestDatabase.create())
        #expect(postgres is PostgresStore)
        await postgres.close()
        let directory = TemporaryDirectory()
        let sqlite = try await StoreFactory.open(directory.path("x.db"))
        #expect(sqlite is SQLiteStore)
        await sqlite.close()
        let info = try PostgresConnectionInfo("postgresql://alice:hunter2@db.example:6543/gate?sslmode=verify-full")
        #expect(info.displayName == "postgres://alice@db.example:6543/gate")
    }

    /// Closing is final and idempotent.
    @Test func closedStoreFailsWithIO() async throws {
        let store = try await PostgresStore.open(try await PostgresTestDatabase.create())
        await store.close()
        await store.close()
        do {
            _ = try await store.pools()
            Issue.record("a closed store answered")
        } catch let error as StoreError {
            #expect(error.code == .io)
        }
    }
}
