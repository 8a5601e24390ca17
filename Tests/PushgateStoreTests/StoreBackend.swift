import Foundation
import PushgateCore
import PushgateStore
import PushgateTestSupport

/// The backends the store suite runs against; PostgreSQL joins this list when its store lands.
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite

    var description: String { rawValue }

    /// Opens a fresh store of this backend in `directory`.
    func open(in directory: TemporaryDirectory, name: String = "pushgate.db") async throws -> any Store {
        switch self {
        case .sqlite: return try await SQLiteStore.open(path: directory.path(name))
        }
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
    static let template = #"{"job_configuration": {"image": "{{ image }}"}, "variables": {"type": "object", "properties": {"image": {"type": "string"}}}}"#

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
