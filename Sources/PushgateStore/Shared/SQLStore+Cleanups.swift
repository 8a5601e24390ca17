import Foundation
import PushgateCore

/// Tracking notes and pending clean-ups, shared by both stores (docs/design.md "Clean-up").
extension SQLStore {
    /// Called in the transaction that makes a submitted run terminal; a repeat keeps the first entry.
    static func enqueueCleanup(_ db: some SQLQuerying, runID: String, handle: String, now: Date) throws {
        try db.run(
            """
            INSERT INTO pending_cleanups (run_id, provider_handle, attempts, next_attempt_at, created_at)
            VALUES (?, ?, 0, ?, ?) ON CONFLICT (run_id) DO NOTHING
            """,
            [.text(runID), .text(handle), .date(now), .date(now)]
        )
    }

    static func pendingCleanups(_ db: some SQLQuerying, dueBy: Date?, limit: Int) throws -> [PendingCleanup] {
        var parameters: [SQLValue] = []
        var sql =
            "SELECT " + runSelectList + ", c.provider_handle, c.attempts, c.next_attempt_at, c.last_error, c.created_at"
            + " FROM pending_cleanups c JOIN flow_runs r ON r.id = c.run_id " + runJoins
        if let dueBy {
            sql += " WHERE c.next_attempt_at <= ?"
            parameters.append(.date(dueBy))
        }
        sql += " ORDER BY c.next_attempt_at, c.run_id LIMIT ?"
        parameters.append(.integer(Int64(max(0, limit))))
        var result: [PendingCleanup] = []
        try db.query(sql, parameters) { row in
            result.append(
                PendingCleanup(
                    run: run(row),
                    providerHandle: row.text(20),
                    attempts: row.int(21),
                    nextAttemptAt: row.date(22),
                    lastError: row.optionalText(23),
                    createdAt: row.date(24)
                )
            )
        }
        return result
    }

    static func completeCleanup(_ db: some SQLQuerying, runID: String) throws {
        try db.run("DELETE FROM pending_cleanups WHERE run_id = ?", [.text(runID)])
    }

    static func deferCleanup(_ db: some SQLQuerying, runID: String, error: String, nextAttemptAt: Date) throws {
        try db.run(
            "UPDATE pending_cleanups SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE run_id = ?",
            [.text(error), .date(nextAttemptAt), .text(runID)]
        )
    }

    /// Sets or clears the note only while the run is in flight; a finished run keeps none.
    static func setTrackingNote(_ db: some SQLQuerying, runID: String, note: String?) throws {
        try db.run(
            "UPDATE flow_runs SET tracking_note = ? WHERE id = ? AND state IN ('PENDING', 'RUNNING', 'CANCELLING')",
            [.string(note), .text(runID)]
        )
    }
}
