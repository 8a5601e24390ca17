import Foundation
import PushgateCore
import Testing

@Suite struct DeploymentStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func updateChangesQueueVariablesAndLimit(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "fast", priority: 1)
        try await f.deployment("d", pool: "p", limit: 2)
        let updated = try await f.store.updateDeployment(
            named: "d",
            DeploymentUpdate(queueName: "fast", jobVariables: .some(#"{"image": "x"}"#), concurrencyLimit: .some(nil)),
            now: f.now
        )
        #expect(updated.queueName == "fast" && updated.concurrencyLimit == nil && updated.jobVariables == #"{"image":"x"}"#)
        // New runs go to the new queue.
        let id = try await f.run("d")
        #expect(try await f.store.run(id: id).queueName == "fast")
        // Clearing variables; an unknown queue or a bad limit changes nothing.
        #expect(try await f.store.updateDeployment(named: "d", DeploymentUpdate(jobVariables: .some(nil)), now: f.now).jobVariables == nil)
        await #expect(throws: StoreError.self) { try await f.store.updateDeployment(named: "d", DeploymentUpdate(queueName: "nope"), now: f.now) }
        await #expect(throws: StoreError.self) {
            try await f.store.updateDeployment(named: "d", DeploymentUpdate(concurrencyLimit: .some(-1)), now: f.now)
        }
        await #expect(throws: StoreError.self) {
            try await f.store.updateDeployment(named: "d", DeploymentUpdate(jobVariables: .some("[1]")), now: f.now)
        }
        #expect(try await f.store.deployment(named: "d").queueName == "fast")
    }

    @Test(arguments: StoreBackend.allCases)
    func deleteIsRefusedWhileRunsAreUnfinished(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let id = try await f.run("d")
        await #expect(throws: StoreError.self) { try await f.store.deleteDeployment(named: "d") }
        _ = try await f.store.requestCancel(runID: id, reason: "stop", now: f.now)
        try await f.store.deleteDeployment(named: "d")
        await #expect(throws: StoreError.self) { try await f.store.deployment(named: "d") }
        await #expect(throws: StoreError.self) { try await f.store.run(id: id) }
        // With its deployment gone, the pool can be deleted too.
        try await f.store.deletePool(named: "p")
    }
}
