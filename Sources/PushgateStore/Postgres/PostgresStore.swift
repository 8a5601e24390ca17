import Foundation
import PushgateCore

/// The shared store: a PostgreSQL database reached through libpq with a small pool of connections, so
/// several gateway replicas can work from one database. Same schema (the ``Schema`` migrations in the
/// PostgreSQL dialect) and same semantics as ``SQLiteStore``.
///
/// Concurrency: writes run at READ COMMITTED and take the locks their checks need, instead of SQLite's one
/// writer at a time:
/// - A claim takes a transaction-scoped advisory lock on its pool (`pg_advisory_xact_lock`), then counts
///   in-flight runs and selects candidates with `FOR UPDATE SKIP LOCKED`. Only claims raise in-flight counts,
///   and every limit (queue, pool, deployment) lives inside one pool, so claims of one pool run one after
///   another and each sees the counts the previous one committed: limits and the priority waterfall stay
///   exact across replicas, while claims of other pools and all other writes go on in parallel. Serializable
///   isolation would also be exact, but replicas claiming the same pool would mostly abort and retry.
/// - Queue changes (priority shifting) take the same pool lock; read-modify-writes of one pool, deployment
///   or run lock that row first (`FOR NO KEY UPDATE`, which does not block inserts that reference it).
/// - Lease takeovers and late marking lock their rows with `SKIP LOCKED`, so replicas never take the same run.
/// Serialization failures (40001) and deadlocks (40P01) are retried with backoff; so is a connection lost
/// before COMMIT was sent (the connection reconnects). A connection lost during COMMIT is reported, never
/// retried: the transaction may have committed.
package final class PostgresStore: Store, SQLStore {
    package struct Configuration: Sendable {
        /// Connections in this store's pool.
        package var maxConnections: Int
        /// Attempts per transaction when it hits a conflict or a lost connection.
        package var maxAttempts: Int
        /// The server's `statement_timeout` for this store's connections: a statement waiting longer (on
        /// another connection's lock, say) is cancelled and the operation fails with `.busy`, never hangs.
        /// Nil (or zero) leaves the server's setting; a connection string's `options=-c statement_timeout=...`
        /// wins over it.
        package var statementTimeout: TimeInterval?

        package init(maxConnections: Int = 4, maxAttempts: Int = 10, statementTimeout: TimeInterval? = 30) {
            self.maxConnections = maxConnections
            self.maxAttempts = maxAttempts
            self.statementTimeout = statementTimeout.flatMap { $0 > 0 ? $0 : nil }
        }
    }

    /// Where the store is, without the password.
    package let info: PostgresConnectionInfo
    private let configuration: Configuration
    private let pool: PostgresConnectionPool

    private init(info: PostgresConnectionInfo, configuration: Configuration) {
        self.info = info
        self.configuration = configuration
        self.pool = PostgresConnectionPool(
            info: info,
            capacity: configuration.maxConnections,
            statementTimeout: configuration.statementTimeout
        )
    }

    /// Connects to the database named by `connectionString` (a libpq URI or key=value string) and applies
    /// missing migrations. Replicas opening one database at once are safe: migrating holds an advisory lock.
    package static func open(
        _ connectionString: String,
        configuration: Configuration = Configuration()
    ) async throws
        -> PostgresStore
    {
        let store = PostgresStore(info: try PostgresConnectionInfo(connectionString), configuration: configuration)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Closes the pool's connections; later calls fail with `.io`.
    package func close() async {
        await pool.close()
    }

    /// The schema version recorded in the database.
    package func schemaVersion() async throws -> Int {
        try await read { db in try db.first("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", []) { $0.int(0) } ?? 0 }
    }

    /// Applies missing migrations, each with its version row, under a database-wide advisory lock. Without
    /// the statement timeout: a migration may rewrite a large table, and other replicas wait for it here.
    private func migrate() async throws {
        let place = info.displayName
        try await write { db in
            try db.execute("SET LOCAL statement_timeout = 0")
            _ = try db.first("SELECT pg_advisory_xact_lock(?)", [.integer(Self.migrationLockKey)]) { _ in true }
            try Self.applyMigrations(db, dialect: .postgres, place: place)
        }
    }

    // MARK: Transactions

    /// Runs `body` in a READ COMMITTED write transaction, retrying conflicts and lost connections. `caller`
    /// (the store method) names the operation in the error.
    func write<T: Sendable>(
        _ caller: String = #function,
        _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        try await transaction(caller, "BEGIN", body)
    }

    /// Runs `body` in a read-only REPEATABLE READ transaction, so multi-statement reads see one snapshot.
    func read<T: Sendable>(
        _ caller: String = #function,
        _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        try await transaction(caller, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func transaction<T: Sendable>(
        _ caller: String,
        _ begin: String,
        _ body: @escaping @Sendable (PostgresSession) throws -> T
    )
        async throws -> T
    {
        try await withRetries(caller) { session in try session.transaction(begin, body) }
    }

    /// Runs `operation` on a pooled connection; conflicts and connections lost before COMMIT run it again
    /// (the connection reconnects first), up to ``Configuration/maxAttempts`` times.
    ///
    /// A COMMIT that fails with the connection lost is never run again. It is ambiguous: the server may have
    /// committed before the connection went. Replaying a claim would take further runs and leave the first
    /// ones leased to an owner that never heard of them; replaying a create without an idempotency key would
    /// duplicate it. Reported as `.io` instead, the caller decides: creates retry with their idempotency key,
    /// recording the same submission again changes nothing, and a claim that did commit holds leases that expire and are taken over by `reclaimExpiredLeases`
    /// (its runs were never submitted, so no run is submitted twice for one attempt).
    private func withRetries<T: Sendable>(
        _ caller: String,
        _ operation: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let connection = try await pool.acquire()
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await connection.perform(operation))
            } catch {
                outcome = .failure(error)
            }
            await pool.release(connection)
            switch outcome {
            case .success(let value):
                return value
            case .failure(let error as PostgresError):
                guard error.isRetryable, attempt < configuration.maxAttempts else { throw error.storeError(at: info.displayName, in: caller) }
                try await Task.sleep(nanoseconds: Self.backoff(attempt: attempt))
            case .failure(let error):
                throw error
            }
        }
    }

    /// Runs SQL text as written, outside any transaction (so `CREATE DATABASE` works), and returns the rows of
    /// its last statement as text (nil for NULL). For tests and maintenance; never pass user input.
    package func execute(_ sql: String) async throws -> [[String?]] {
        try await withRetries("execute") { session in try session.rows(sql) }
    }

    /// ``execute(_:)`` on a one-off connection, without opening (or migrating) a store there.
    package static func execute(_ sql: String, at connectionString: String) async throws -> [[String?]] {
        let info = try PostgresConnectionInfo(connectionString)
        let connection = PostgresConnection(info: info, label: "pushgate.postgres.admin")
        do {
            let rows = try await connection.perform { session in try session.rows(sql) }
            await connection.close()
            return rows
        } catch let error as PostgresError {
            await connection.close()
            throw error.storeError(at: info.displayName, in: "execute")
        }
    }

    /// 20 ms doubling up to 1 s, with jitter so replicas that collided do not collide again.
    private static func backoff(attempt: Int) -> UInt64 {
        let base = min(1.0, 0.02 * pow(2, Double(attempt - 1)))
        return UInt64(base * Double.random(in: 0.5...1.0) * 1e9)
    }
}
