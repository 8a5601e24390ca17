import Foundation
import PushgateCore

extension PostgresStore {
    package func createRun(_ spec: FlowRunSpec, now: Date) async throws -> FlowRunCreation {
        try await createRuns([spec], now: now)[0]
    }

    /// Empty idempotency keys are refused before the transaction opens (no round trip for a bad request).
    package func createRuns(_ specs: [FlowRunSpec], now: Date) async throws -> [FlowRunCreation] {
        let variables = try Self.validatedVariables(specs)
        for spec in specs where spec.idempotencyKey?.isEmpty == true {
            throw StoreError(.invalidInput, "idempotency key must not be empty")
        }
        return try await write { db in try Self.insertRuns(db, specs, variables: variables, now: now, dialect: .postgres) }
    }

    package func run(id: String) async throws -> FlowRun {
        try await read { db in try Self.findRun(db, id) }
    }

    package func runs(_ filter: FlowRunFilter) async throws -> [FlowRun] {
        try await read { db in try Self.listRuns(db, filter) }
    }

    package func countRuns(_ filter: FlowRunFilter) async throws -> Int {
        try await read { db in try Self.countRuns(db, filter) }
    }

    package func runActivity(pool: String, since: Date) async throws -> [RunActivity] {
        try await read { db in try Self.runActivity(db, pool: pool, since: since) }
    }

    package func history(runID: String) async throws -> [StateTransition] {
        try await read { db in try Self.history(db, runID: runID) }
    }

    package func nonTerminalRunCounts() async throws -> [RunCount] {
        try await read { db in try Self.nonTerminalRunCounts(db) }
    }

    package func liveRunCounts() async throws -> [RunCount] {
        try await read { db in try Self.liveRunCounts(db) }
    }
}
