import Foundation
import PushgateCore

extension SQLiteStore {
    package func pruneFinishedRuns(finishedBefore cutoff: Date, limit: Int) throws -> Int {
        try write { db in try Self.pruneFinishedRuns(db, finishedBefore: cutoff, limit: limit) }
    }
}
