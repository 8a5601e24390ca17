import PushgateCore

/// A failure reported by libpq or the server, already scrubbed of the password. The store decides from it
/// whether to retry (serialization failure, deadlock, lost connection before COMMIT was sent) and turns the
/// rest into a ``StoreError``.
struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE, when the server sent one.
    var sqlState: String?
    /// The server's or libpq's message.
    var message: String
    /// The connection is unusable (server gone, backend terminated, network failure).
    var connectionLost: Bool
    /// The failure happened while COMMIT was in flight: the transaction may or may not have committed.
    var duringCommit = false
    /// Connecting failed before this connection ever worked (bad address, refused credentials).
    var neverConnected = false

    var description: String { message + (sqlState.map { " (SQLSTATE \($0))" } ?? "") }

    /// `40001` serialization failure or `40P01` deadlock: the transaction was rolled back and may simply run again.
    var isConflict: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// Worth another attempt: a conflict, or a connection that broke (or could not be re-opened) before
    /// COMMIT was sent, so nothing of this transaction was applied.
    var isRetryable: Bool {
        if duringCommit || neverConnected { return false }
        return isConflict || connectionLost || sqlState == "57P03"
    }

    /// The ``StoreError`` for this failure at `place` (the database's display name) in `operation` (a store
    /// method as `#function` spells it, shortened to its base name): "claim: database '...' is busy: ...".
    func storeError(at place: String, in operation: String? = nil) -> StoreError {
        let prefix = operation.map { "\($0.prefix { $0 != "(" }): " } ?? ""
        let error = classified(at: place)
        return StoreError(error.code, prefix + error.message)
    }

    private func classified(at place: String) -> StoreError {
        let text = "database '\(place)': \(description)"
        if duringCommit && connectionLost {
            return StoreError(
                .io,
                "database '\(place)': the connection was lost during COMMIT; the change may or may not have been applied (\(description))"
            )
        }
        if connectionLost { return StoreError(.io, text) }
        switch sqlState {
        case let state? where state.hasPrefix("08") || state.hasPrefix("28") || state == "3D000" || state.hasPrefix("57P"):
            return StoreError(.io, text)
        case "40001", "40P01", "55P03", "57014":
            return StoreError(.busy, "database '\(place)' is busy: \(description)")
        case "23505":
            return StoreError(.alreadyExists, text)
        case "23503":
            return StoreError(.conflict, text)
        case let state? where state.hasPrefix("22") || state == "23514" || state == "23502":
            return StoreError(.invalidInput, text)
        case "P0001":
            return StoreError(.invalidTransition, text)
        default:
            return StoreError(.backend, text)
        }
    }
}
