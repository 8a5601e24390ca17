import Foundation
import PushgateCore

/// Retention: finished runs and their history are deleted oldest first, one bounded batch per
/// transaction, so a prune of a million rows never holds the write lock for long (docs/design.md "Retention").
extension SQLStore {
    static func pruneFinishedRuns(_ db: some SQLQuerying, finishedBefore cutoff: Date, limit: Int) throws -> Int {
        var ids: [SQLValue] = []
        // A run whose clean-up is still pending at its provider is kept: the clean-up needs the run.
        try db.query(
            """
            SELECT id FROM flow_runs
            WHERE state IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED') AND state_changed_at < ?
              AND NOT EXISTS (SELECT 1 FROM pending_cleanups c WHERE c.run_id = flow_runs.id)
            ORDER BY state_changed_at LIMIT ?
            """,
            [.date(cutoff), .integer(Int64(max(0, limit)))]
        ) { row in ids.append(.text(row.text(0))) }
        guard !ids.isEmpty else { return 0 }
        let list = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        try db.run("DELETE FROM flow_run_states WHERE run_id IN (\(list))", ids)
        return try db.run("DELETE FROM flow_runs WHERE id IN (\(list))", ids)
    }
}
