import Foundation
import PushgateCore

/// One PostgreSQL connection with its own serial queue: the actor's executor is a private dispatch queue,
/// so the blocking libpq calls of ``PostgresSession`` (connect, every query) never run on the cooperative
/// pool (docs/style-anchors.md §2.6). It connects lazily and reconnects when libpq reports the connection broken;
/// the session, and with it the `PGconn`, is closed exactly once.
actor PostgresConnection {
    let info: PostgresConnectionInfo
    /// Passed to every session this connection opens (see ``PostgresSession/init(info:statementTimeout:)``).
    let statementTimeout: TimeInterval?
    private let executor: DispatchQueueExecutor
    private var session: PostgresSession?
    private var hasConnected = false
    private var isClosed = false

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(info: PostgresConnectionInfo, statementTimeout: TimeInterval? = nil, label: String) {
        self.info = info
        self.statementTimeout = statementTimeout
        self.executor = DispatchQueueExecutor(label: label)
    }

    /// Runs `body` with a working session on this connection's queue, connecting first when there is none.
    /// A session that broke is dropped, so the next call reconnects: one libpq reports broken
    /// (`CONNECTION_BAD`), or one whose error says it is lost (a FATAL such as `57P01` from
    /// `pg_terminate_backend` can arrive before libpq has seen the socket close).
    func perform<T: Sendable>(_ body: @Sendable (PostgresSession) throws -> T) throws -> T {
        let session = try connected()
        do {
            return try body(session)
        } catch {
            if session.isBroken || (error as? PostgresError)?.connectionLost == true {
                session.close()
                self.session = nil
            }
            throw error
        }
    }

    /// Closes the session; later calls fail with a lost connection.
    func close() {
        isClosed = true
        session?.close()
        session = nil
    }

    private func connected() throws(PostgresError) -> PostgresSession {
        guard !isClosed else { throw PostgresError(sqlState: nil, message: "the store is closed", connectionLost: true, neverConnected: true) }
        if let session, !session.isBroken { return session }
        session?.close()
        session = nil
        do {
            let fresh = try PostgresSession(info: info, statementTimeout: statementTimeout)
            session = fresh
            hasConnected = true
            return fresh
        } catch {
            var failure = error
            failure.neverConnected = !hasConnected
            throw failure
        }
    }
}
