import Foundation
import PushgateCore

extension PostgresStore {
    package func setTrackingNote(runID: String, note: String?) async throws {
        try await write { db in try Self.setTrackingNote(db, runID: runID, note: note) }
    }

    package func pendingCleanups(dueBy: Date?, limit: Int) async throws -> [PendingCleanup] {
        try await read { db in try Self.pendingCleanups(db, dueBy: dueBy, limit: limit) }
    }

    package func completeCleanup(runID: String) async throws {
        try await write { db in try Self.completeCleanup(db, runID: runID) }
    }

    package func deferCleanup(runID: String, error: String, nextAttemptAt: Date) async throws {
        try await write { db in try Self.deferCleanup(db, runID: runID, error: error, nextAttemptAt: nextAttemptAt) }
    }
}
