import CSQLite3
import Foundation
import PushgateCore

/// The embedded store: one SQLite file in WAL mode, one connection owned by this actor, whose executor is a
/// private serial dispatch queue so blocking SQLite calls (busy waits included) never run on the
/// cooperative pool. Several stores (or processes) may open the same file; writes use `BEGIN IMMEDIATE`.
package actor SQLiteStore: Store {
    package struct Configuration: Sendable {
        /// How long a write waits for another connection's write lock before failing with `.busy`.
        package var busyTimeout: TimeInterval
        /// `synchronous = FULL` makes each commit durable against power loss, not only process death.
        package var synchronousFull: Bool

        package init(busyTimeout: TimeInterval = 5, synchronousFull: Bool = true) {
            self.busyTimeout = busyTimeout
            self.synchronousFull = synchronousFull
        }
    }

    package nonisolated let path: String
    private let configuration: Configuration
    private let executor: DispatchQueueExecutor
    private var connection: SQLiteConnection?
    /// The single-run writes waiting to join the group commit under way, nil when none is being collected
    /// (``groupWrite(_:)``).
    var writeBatch: [PendingWrite]?
    /// Group-committed transactions, for tests and diagnostics.
    package internal(set) var groupCommits = 0

    package nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(path: String, configuration: Configuration) {
        self.path = path
        self.configuration = configuration
        self.executor = DispatchQueueExecutor(label: "pushgate.sqlite")
    }

    /// Opens (creating when missing) and migrates the database at `path`.
    package static func open(path: String, configuration: Configuration = Configuration()) async throws -> SQLiteStore {
        let store = SQLiteStore(path: path, configuration: configuration)
        try await store.connect()
        return store
    }

    /// Closes the connection; later calls fail with `.io`.
    package func close() {
        connection?.close()
        connection = nil
    }

    /// The schema version recorded in the file.
    package func schemaVersion() throws -> Int {
        try db().first("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { $0.int(0) } ?? 0
    }

    private func connect() throws {
        let timeout = Int32(clamping: Int((configuration.busyTimeout * 1000).rounded()))
        let connection = try SQLiteConnection(
            path: path,
            busyTimeoutMilliseconds: timeout,
            synchronousFull: configuration.synchronousFull
        )
        try migrate(connection)
        self.connection = connection
    }

    /// Applies missing migrations, each with its version row, under the write lock.
    private func migrate(_ connection: SQLiteConnection) throws {
        try connection.transaction(immediate: true) { try Self.applyMigrations(connection, dialect: .sqlite, place: path) }
    }

    func db() throws(StoreError) -> SQLiteConnection {
        guard let connection else { throw StoreError(.io, "database '\(path)' is closed", underlyingCode: SQLITE_MISUSE) }
        return connection
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`).
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try db()
        return try connection.transaction(immediate: true) { try body(connection) }
    }

    /// Runs `body` in a read transaction, so multi-statement reads see one snapshot.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try db()
        return try connection.transaction(immediate: false) { try body(connection) }
    }
}
