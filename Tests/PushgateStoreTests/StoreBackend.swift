import Foundation
import PushgateCore
import PushgateStore
import PushgateTestSupport

/// The backends the store suite runs against. PostgreSQL runs when `PUSHGATE_TEST_POSTGRES_URL` names a
/// server or a throwaway cluster can be started here; in CI (`CI=true`) it always runs, so a missing
/// PostgreSQL fails the suite instead of skipping it.
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    static var allCases: [StoreBackend] { PostgresTestDatabase.isEnabled ? [.sqlite, .postgres] : [.sqlite] }

    var description: String { rawValue }

    /// Opens a fresh store of this backend: a file in `directory`, or a new database on the test server.
    func open(in directory: TemporaryDirectory, name: String = "pushgate.db") async throws -> any Store {
        switch self {
        case .sqlite: return try await SQLiteStore.open(path: directory.path(name))
        case .postgres: return try await PostgresStore.open(try await PostgresTestDatabase.create())
        }
    }
}

/// Fresh PostgreSQL databases for tests, one per store, on `PUSHGATE_TEST_POSTGRES_URL` or on the shared
/// throwaway cluster of this test process.
enum PostgresTestDatabase {
    static var externalURL: String? {
        ProcessInfo.processInfo.environment["PUSHGATE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isEnabled: Bool { externalURL != nil || PostgresTestServer.isAvailable || PostgresTestServer.isRequired }

    /// The connection string of the server's maintenance database.
    static func serverURL() throws -> String {
        if let externalURL { return externalURL }
        return try PostgresTestServer.shared().url()
    }

    /// Creates an empty database and returns its connection string.
    static func create() async throws -> String {
        let base = try serverURL()
        let name = "pushgate_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        _ = try await PostgresStore.execute("CREATE DATABASE \(name)", at: base)
        return url(base, database: name)
    }

    /// `base` pointed at `database`: the URL's path replaced, or `dbname=` appended to a key=value string.
    static func url(_ base: String, database: String) -> String {
        guard base.contains("://"), var components = URLComponents(string: base) else { return base + " dbname=\(database)" }
        components.path = "/" + database
        return components.string ?? base
    }
}

/// A directory removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-store-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A store with a manual clock and shorthands for building pools, queues, deployments and runs.
struct StoreFixture {
    static let template =
        #"{"job_configuration": {"image": "{{ image }}"}, "variables": {"type": "object", "properties": {"image": {"type": "string"}}}}"#

    let directory: TemporaryDirectory
    let store: any Store
    let clock: ManualClock

    init(_ backend: StoreBackend) async throws {
        directory = TemporaryDirectory()
        store = try await backend.open(in: directory)
        clock = ManualClock()
    }

    var now: Date { clock.now() }

    @discardableResult
    func pool(_ name: String, limit: Int? = nil) async throws -> WorkPool {
        try await store.createPool(
            WorkPoolSpec(name: name, type: "ecs:push", baseJobTemplate: Self.template, concurrencyLimit: limit),
            now: now
        )
    }

    @discardableResult
    func queue(_ pool: String, _ name: String, priority: Int? = nil, limit: Int? = nil) async throws -> WorkQueue {
        try await store.createQueue(pool: pool, WorkQueueSpec(name: name, priority: priority, concurrencyLimit: limit), now: now)
    }

    @discardableResult
    func deployment(_ name: String, pool: String, queue: String? = nil, limit: Int? = nil) async throws -> Deployment {
        try await store.createDeployment(
            DeploymentSpec(name: name, poolName: pool, queueName: queue, concurrencyLimit: limit),
            now: now
        )
    }

    /// Creates a run scheduled `offset` seconds from now and returns its id.
    @discardableResult
    func run(_ deployment: String, at offset: TimeInterval = 0, key: String? = nil) async throws -> String {
        try await store.createRun(
            FlowRunSpec(deploymentName: deployment, scheduledTime: now.addingTimeInterval(offset), idempotencyKey: key),
            now: now
        ).run.id
    }

    func claim(_ pool: String, limit: Int = 100, owner: String = "test", lease: TimeInterval = 60) async throws -> [FlowRun] {
        try await store.claim(pool: pool, owner: owner, limit: limit, leaseDuration: lease, now: now)
    }

    func complete(_ id: String) async throws {
        _ = try await store.markTerminal(runID: id, state: .completed, reason: "done", now: now)
    }
}
