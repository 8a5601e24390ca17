import Foundation
import PushgateCore

extension SQLiteStore {
    package func setTrackingNote(runID: String, note: String?) async throws {
        try await groupWrite { db in try Self.setTrackingNote(db, runID: runID, note: note) }
    }

    package func pendingCleanups(dueBy: Date?, limit: Int) throws -> [PendingCleanup] {
        try read { db in try Self.pendingCleanups(db, dueBy: dueBy, limit: limit) }
    }

    /// Group-committed: the poller completes a pass's clean-ups together.
    package func completeCleanup(runID: String) async throws {
        try await groupWrite { db in try Self.completeCleanup(db, runID: runID) }
    }

    package func deferCleanup(runID: String, error: String, nextAttemptAt: Date) async throws {
        try await groupWrite { db in try Self.deferCleanup(db, runID: runID, error: error, nextAttemptAt: nextAttemptAt) }
    }
}
