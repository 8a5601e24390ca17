import Foundation
import PushgateCore

/// One single-run write waiting for the group commit under way (``SQLiteStore/groupWrite(_:)``). It lives
/// only on the store's executor.
final class PendingWrite {
    private let apply: (SQLiteConnection) -> Void
    private let finish: (Result<Void, any Error>) -> Void

    init<T: Sendable>(_ body: @escaping (SQLiteConnection) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        var outcome: Result<T, any Error> = .failure(StoreError(.io, "the write was not applied before its transaction ended"))
        apply = { db in outcome = Result { try SQLiteStore.underSavepoint(db) { try body(db) } } }
        finish = { commit in continuation.resume(with: commit.flatMap { outcome }) }
    }

    /// Runs the write inside the shared transaction, under its own savepoint.
    func run(_ db: SQLiteConnection) { apply(db) }
    /// Resumes the caller: with its own outcome once the transaction committed, or with the commit's error.
    func complete(_ commit: Result<Void, any Error>) { finish(commit) }
}
