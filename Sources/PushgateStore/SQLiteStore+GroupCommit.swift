import Foundation
import PushgateCore

extension SQLiteStore {
    /// Runs a single-run write (a submission, a state change) in a transaction shared with the writes that
    /// arrive while it is being made (group commit): with `synchronous = FULL` every commit is an fsync, and
    /// one per run would cap the dispatcher and the poller at the disk's fsync rate. Each call returns only
    /// after its own write is durable, and fails alone (its savepoint rolled back) when its body throws.
    func groupWrite<T: Sendable>(_ body: @escaping (SQLiteConnection) throws -> T) async throws -> T {
        if writeBatch != nil {
            return try await withCheckedThrowingContinuation { continuation in
                writeBatch?.append(PendingWrite(body, continuation: continuation))
            }
        }
        // Lead a batch: yielding puts this task behind the calls already queued on the store's executor,
        // which join the batch before it is written.
        writeBatch = []
        await Task.yield()
        let followers = writeBatch ?? []
        writeBatch = nil
        return try await withCheckedThrowingContinuation { continuation in
            commit([PendingWrite(body, continuation: continuation)] + followers)
        }
    }

    /// Writes a batch in one transaction and resumes every caller.
    private func commit(_ batch: [PendingWrite]) {
        let outcome = Result<Void, any Error> { try write { db in batch.forEach { $0.run(db) } } }
        if case .success = outcome { groupCommits += 1 }
        batch.forEach { $0.complete(outcome) }
    }

    /// `body` under a savepoint: its writes are undone alone when it throws.
    static func underSavepoint<T>(_ db: SQLiteConnection, _ body: () throws -> T) throws -> T {
        try db.execute("SAVEPOINT single_write")
        do {
            let value = try body()
            try db.execute("RELEASE single_write")
            return value
        } catch {
            try? db.execute("ROLLBACK TO single_write")
            try? db.execute("RELEASE single_write")
            throw error
        }
    }

    /// Records a provider handle (group-committed with concurrent writes).
    package func markSubmitted(runID: String, owner: String, providerHandle: String, templateVersion: Int?, now: Date) async throws -> FlowRun {
        guard !providerHandle.isEmpty else { throw StoreError(.invalidInput, "run '\(runID)': provider handle must not be empty") }
        return try await groupWrite { db in
            try Self.recordSubmission(
                db,
                runID: runID,
                owner: owner,
                providerHandle: providerHandle,
                templateVersion: templateVersion,
                now: now,
                dialect: .sqlite
            )
        }
    }
}
