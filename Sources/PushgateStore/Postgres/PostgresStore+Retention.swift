import Foundation
import PushgateCore

extension PostgresStore {
    package func pruneFinishedRuns(finishedBefore cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in try Self.pruneFinishedRuns(db, finishedBefore: cutoff, limit: limit) }
    }
}
