import Foundation
import PushgateCore
import PushgateStore
import Testing

@Suite struct BadInputStoreTests {
    func expectCode(_ code: StoreError.Code, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code), nothing was thrown")
        } catch let error as StoreError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("expected StoreError \(code), got \(error)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func unknownNamesAndDuplicates(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "q", priority: 2)
        try await f.deployment("d", pool: "p")
        await expectCode(.notFound) { _ = try await f.store.pool(named: "nope") }
        await expectCode(.notFound) { _ = try await f.queue("nope", "x") }
        await expectCode(.notFound) { _ = try await f.deployment("e", pool: "p", queue: "nope") }
        await expectCode(.notFound) { _ = try await f.run("nope") }
        await expectCode(.notFound) { _ = try await f.store.run(id: "0000") }
        await expectCode(.alreadyExists) { _ = try await f.pool("p") }
        await expectCode(.alreadyExists) { _ = try await f.queue("p", "q") }
        await expectCode(.alreadyExists) { _ = try await f.deployment("d", pool: "p") }
        // Nothing changed.
        #expect(try await f.store.pools().count == 1)
        #expect(try await f.store.queues(pool: "p").map(\.name) == ["default", "q"])
        #expect(try await f.store.deployments(pool: nil).count == 1)
        #expect(try await f.store.runs(FlowRunFilter()).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func invalidValues(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        await expectCode(.invalidInput) { _ = try await f.pool("neg", limit: -1) }
        await expectCode(.invalidInput) { _ = try await f.queue("p", "z", priority: 0) }
        await expectCode(.invalidInput) { _ = try await f.queue("p", "z", limit: -2) }
        await expectCode(.invalidInput) { _ = try await f.deployment("z", pool: "p", limit: -1) }
        await expectCode(.invalidInput) { _ = try await f.pool(" spaced") }
        await expectCode(.invalidInput) { _ = try await f.pool("") }
        await expectCode(.invalidInput) {
            _ = try await f.store.updatePool(named: "p", WorkPoolUpdate(concurrencyLimit: .some(-1)), now: f.now)
        }
        await expectCode(.invalidInput) {
            _ = try await f.store.updateQueue(pool: "p", named: "default", WorkQueueUpdate(priority: -3), now: f.now)
        }
        await expectCode(.invalidInput) {
            _ = try await f.store.createPool(WorkPoolSpec(name: "t", type: "ecs:push", baseJobTemplate: "{nope"), now: f.now)
        }
        await expectCode(.invalidInput) {
            _ = try await f.store.createPool(WorkPoolSpec(name: "t", type: "ecs:push", baseJobTemplate: "[1]"), now: f.now)
        }
        await expectCode(.invalidInput) {
            _ = try await f.store.createDeployment(DeploymentSpec(name: "v", poolName: "p", jobVariables: "{\"a\":"), now: f.now)
        }
        try await f.deployment("d", pool: "p")
        await expectCode(.invalidInput) {
            _ = try await f.store.createRun(FlowRunSpec(deploymentName: "d", jobVariables: "42"), now: f.now)
        }
        await expectCode(.invalidInput) {
            _ = try await f.store.claim(pool: "p", owner: "", limit: 1, leaseDuration: 10, now: f.now)
        }
        // A bad run in a batch adds none of the batch.
        await expectCode(.notFound) {
            _ = try await f.store.createRuns([FlowRunSpec(deploymentName: "d"), FlowRunSpec(deploymentName: "missing")], now: f.now)
        }
        #expect(try await f.store.pools().map(\.name) == ["p"])
        #expect(try await f.store.queues(pool: "p").map(\.priority) == [1])
        #expect(try await f.store.pool(named: "p").concurrencyLimit == nil)
        #expect(try await f.store.runs(FlowRunFilter()).isEmpty)
    }

    @Test func corruptFileIsRefusedAndLeftAlone() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("corrupt.db")
        let garbage = Data(String(repeating: "not a database at all. ", count: 200).utf8)
        try garbage.write(to: URL(fileURLWithPath: path))
        do {
            _ = try await SQLiteStore.open(path: path)
            Issue.record("opened a corrupt file")
        } catch let error as StoreError {
            #expect(error.code == .corrupt)
            #expect(error.message.contains(path))
            #expect(error.underlyingCode == 26)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func unopenablePathIsAnIOError() async throws {
        do {
            _ = try await SQLiteStore.open(path: "/nonexistent-dir-\(UUID().uuidString)/x.db")
            Issue.record("opened an impossible path")
        } catch let error as StoreError {
            #expect(error.code == .io)
        }
    }

    @Test func lockedDatabaseFailsWithBusyAndChangesNothing() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("locked.db")
        let store = try await SQLiteStore.open(path: path, configuration: .init(busyTimeout: 0.2))
        _ = try await store.createPool(WorkPoolSpec(name: "p", type: "ecs:push", baseJobTemplate: "{}"), now: Date())
        let locker = RawSQLite(path)
        try locker.rows("BEGIN EXCLUSIVE")
        do {
            _ = try await store.createPool(WorkPoolSpec(name: "q", type: "ecs:push", baseJobTemplate: "{}"), now: Date())
            Issue.record("wrote through an exclusive lock")
        } catch let error as StoreError {
            #expect(error.code == .busy)
            #expect(error.message.contains("locked"))
        }
        try locker.rows("COMMIT")
        #expect(try await store.pools().map(\.name) == ["p"])
    }

    @Test func newerSchemaIsRefused() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("new.db")
        _ = try await SQLiteStore.open(path: path)
        try RawSQLite(path).rows("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)")
        do {
            _ = try await SQLiteStore.open(path: path)
            Issue.record("opened a newer schema")
        } catch let error as StoreError {
            #expect(error.code == .schemaTooNew)
        }
    }

    @Test func reopeningKeepsDataAndSchemaVersion() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("re.db")
        let first = try await SQLiteStore.open(path: path)
        _ = try await first.createPool(WorkPoolSpec(name: "p", type: "ecs:push", baseJobTemplate: "{}"), now: Date())
        await first.close()
        let second = try await SQLiteStore.open(path: path)
        #expect(try await second.pools().map(\.name) == ["p"])
        #expect(try await second.schemaVersion() == Schema.latestVersion)
        #expect(try RawSQLite(path).rows("PRAGMA journal_mode") == [["wal"]])
    }

    /// The claim's candidate read and the in-flight counts use the partial indexes, never a table scan.
    @Test func claimQueriesAreIndexDriven() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("plan.db")
        _ = try await SQLiteStore.open(path: path)
        let raw = RawSQLite(path)
        func plan(_ sql: String) throws -> String {
            try raw.rows("EXPLAIN QUERY PLAN " + sql).map { $0.last ?? "" }.joined(separator: "; ")
        }
        let due = try plan(
            """
            SELECT id, deployment_id, scheduled_time, state FROM flow_runs
            WHERE queue_id = 1 AND state IN ('SCHEDULED', 'LATE') AND scheduled_time <= 5
            ORDER BY scheduled_time, id LIMIT 10
            """
        )
        #expect(due.contains("USING INDEX flow_runs_due"), "\(due)")
        #expect(!due.contains("TEMP B-TREE"), "\(due)")
        let inFlight = try plan("SELECT COUNT(*) FROM flow_runs WHERE queue_id = 1 AND state IN ('PENDING', 'RUNNING')")
        #expect(inFlight.contains("flow_runs_in_flight_queue"), "\(inFlight)")
        let late = try plan("SELECT id FROM flow_runs WHERE state = 'SCHEDULED' AND scheduled_time <= 5 ORDER BY scheduled_time LIMIT 5")
        #expect(late.contains("flow_runs_to_mark_late"), "\(late)")
    }
}
