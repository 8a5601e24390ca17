import Foundation
import PushgateCore

/// A bounded pool of ``PostgresConnection``s: up to `capacity` connections, made on demand; a caller that
/// finds them all busy waits for the next one released, in arrival order. A connection whose session broke
/// (terminated backend, restarted server) drops that session at once and opens a fresh one on its next use,
/// so the pool never hands out a dead `PGconn` twice.
actor PostgresConnectionPool {
    let info: PostgresConnectionInfo
    let capacity: Int
    let statementTimeout: TimeInterval?
    private var idle: [PostgresConnection] = []
    private var created = 0
    private var waiters: [CheckedContinuation<PostgresConnection, any Error>] = []
    private var isClosed = false

    init(info: PostgresConnectionInfo, capacity: Int, statementTimeout: TimeInterval? = nil) {
        self.info = info
        self.capacity = max(1, capacity)
        self.statementTimeout = statementTimeout
    }

    /// An idle connection, a new one while under capacity, or the next one released.
    func acquire() async throws -> PostgresConnection {
        guard !isClosed else { throw closedError() }
        if let connection = idle.popLast() { return connection }
        if created < capacity {
            created += 1
            return PostgresConnection(info: info, statementTimeout: statementTimeout, label: "pushgate.postgres.\(created)")
        }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    /// Hands the connection to the first waiter, or keeps it for later; closes it when the pool is closed.
    func release(_ connection: PostgresConnection) async {
        if isClosed {
            await connection.close()
        } else if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Closes idle connections now and busy ones when they come back; waiters fail.
    func close() async {
        guard !isClosed else { return }
        isClosed = true
        for waiter in waiters { waiter.resume(throwing: closedError()) }
        waiters.removeAll()
        let connections = idle
        idle.removeAll()
        for connection in connections { await connection.close() }
    }

    private func closedError() -> StoreError {
        StoreError(.io, "database '\(info.displayName)' is closed")
    }
}
