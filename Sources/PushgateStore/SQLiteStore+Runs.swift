import Foundation
import PushgateCore

extension SQLiteStore {
    package func createRun(_ spec: FlowRunSpec, now: Date) throws -> FlowRunCreation {
        try createRuns([spec], now: now)[0]
    }

    package func createRuns(_ specs: [FlowRunSpec], now: Date) throws -> [FlowRunCreation] {
        let variables = try Self.validatedVariables(specs)
        return try write { db in try Self.insertRuns(db, specs, variables: variables, now: now, dialect: .sqlite) }
    }

    package func run(id: String) throws -> FlowRun {
        try read { db in try Self.findRun(db, id) }
    }

    package func runs(_ filter: FlowRunFilter) throws -> [FlowRun] {
        try read { db in try Self.listRuns(db, filter) }
    }

    package func countRuns(_ filter: FlowRunFilter) throws -> Int {
        try read { db in try Self.countRuns(db, filter) }
    }

    package func runActivity(pool: String, since: Date) throws -> [RunActivity] {
        try read { db in try Self.runActivity(db, pool: pool, since: since) }
    }

    package func history(runID: String) throws -> [StateTransition] {
        try read { db in try Self.history(db, runID: runID) }
    }

    package func nonTerminalRunCounts() throws -> [RunCount] {
        try read { db in try Self.nonTerminalRunCounts(db) }
    }

    package func liveRunCounts() throws -> [RunCount] {
        try read { db in try Self.liveRunCounts(db) }
    }
}
