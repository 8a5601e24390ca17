import Foundation
import PushgateCore
import Testing

@Suite struct PoolQueueStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func poolHasAnUndeletableDefaultQueue(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        let pool = try await f.pool("p", limit: 5)
        #expect(pool.concurrencyLimit == 5)
        #expect(pool.type == "ecs:push")
        let queues = try await f.store.queues(pool: "p")
        #expect(queues.map(\.name) == ["default"])
        #expect(queues[0].priority == 1)
        await #expect(throws: StoreError.self) { try await f.store.deleteQueue(pool: "p", named: "default") }
        #expect(try await f.store.queues(pool: "p").count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func prioritiesShiftAsInPrefect(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "A", priority: 2)
        try await f.queue("p", "B", priority: 3)
        try await f.queue("p", "D", priority: 2)
        func ranks() async throws -> [String: Int] {
            Dictionary(uniqueKeysWithValues: try await f.store.queues(pool: "p").map { ($0.name, $0.priority) })
        }
        #expect(try await ranks() == ["default": 1, "D": 2, "A": 3, "B": 4])
        try await f.queue("p", "E", priority: 10)
        try await f.queue("p", "F")
        #expect(try await ranks() == ["default": 1, "D": 2, "A": 3, "B": 4, "F": 5, "E": 10])
        _ = try await f.store.updateQueue(pool: "p", named: "E", WorkQueueUpdate(priority: 1), now: f.now)
        #expect(try await ranks() == ["E": 1, "default": 2, "D": 3, "A": 4, "B": 5, "F": 6])
        #expect(try await f.store.queues(pool: "p").map(\.name) == ["E", "default", "D", "A", "B", "F"])
        try await f.store.deleteQueue(pool: "p", named: "D")
        #expect(try await ranks() == ["E": 1, "default": 2, "A": 4, "B": 5, "F": 6])
    }

    @Test(arguments: StoreBackend.allCases)
    func deleteRules(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "q")
        try await f.deployment("d", pool: "p", queue: "q")
        await #expect(throws: StoreError.self) { try await f.store.deleteQueue(pool: "p", named: "q") }
        await #expect(throws: StoreError.self) { try await f.store.deletePool(named: "p") }
        try await f.pool("empty")
        try await f.queue("empty", "x")
        try await f.store.deletePool(named: "empty")
        #expect(try await f.store.pools().map(\.name) == ["p"])
        await #expect(throws: StoreError.self) { try await f.store.queues(pool: "empty") }
    }

    @Test(arguments: StoreBackend.allCases)
    func deploymentUsesDefaultQueueOrNamedQueue(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "fast", priority: 1)
        #expect(try await f.deployment("a", pool: "p").queueName == "default")
        #expect(try await f.deployment("b", pool: "p", queue: "fast").queueName == "fast")
        #expect(try await f.store.deployments(pool: "p").map(\.name) == ["a", "b"])
        #expect(try await f.store.deployment(named: "b").poolName == "p")
    }
}
