import Foundation
import PushgateCore

/// One ``SQLiteStore/markSubmitted(runID:owner:providerHandle:now:)`` call waiting for its group commit.
struct PendingSubmission {
    var runID: String
    var owner: String
    var providerHandle: String
    var now: Date
    var continuation: CheckedContinuation<FlowRun, any Error>
}

extension SQLiteStore {
    /// Records a provider handle. Calls that arrive while one is being written share its transaction
    /// (group commit): with `synchronous = FULL` every commit is an fsync, and one per submitted run would
    /// cap the dispatcher at the disk's fsync rate. Each call still returns only after its own row is
    /// durable, and fails alone (its savepoint is rolled back) when its run cannot be marked.
    package func markSubmitted(runID: String, owner: String, providerHandle: String, now: Date) async throws -> FlowRun {
        try Self.validateSubmission(runID: runID, providerHandle: providerHandle)
        if submissionBatch != nil {
            return try await withCheckedThrowingContinuation { continuation in
                submissionBatch?.append(
                    PendingSubmission(runID: runID, owner: owner, providerHandle: providerHandle, now: now, continuation: continuation))
            }
        }
        // Lead a batch: yielding puts this task behind the calls already queued on the store's executor,
        // which join the batch before it is written.
        submissionBatch = []
        await Task.yield()
        let followers = submissionBatch ?? []
        submissionBatch = nil
        var results: [Result<FlowRun, any Error>] = []
        do {
            try write { db in
                results.append(Result { try Self.submitted(db, runID: runID, owner: owner, providerHandle: providerHandle, now: now) })
                for pending in followers {
                    results.append(Result {
                        try Self.submitted(db, runID: pending.runID, owner: pending.owner, providerHandle: pending.providerHandle, now: pending.now)
                    })
                }
            }
            submissionCommits += 1
        } catch {
            results = Array(repeating: .failure(error), count: followers.count + 1)
        }
        for (pending, result) in zip(followers, results.dropFirst()) { pending.continuation.resume(with: result) }
        return try results[0].get()
    }

    /// Marks one run submitted inside the batch's transaction, under a savepoint so a failure undoes only
    /// this run's writes.
    private static func submitted(_ db: SQLiteConnection, runID: String, owner: String, providerHandle: String, now: Date) throws -> FlowRun {
        try db.execute("SAVEPOINT submission")
        do {
            let marked = try recordSubmission(db, runID: runID, owner: owner, providerHandle: providerHandle, now: now, dialect: .sqlite)
            try db.execute("RELEASE submission")
            return marked
        } catch {
            try? db.execute("ROLLBACK TO submission")
            try? db.execute("RELEASE submission")
            throw error
        }
    }
}
