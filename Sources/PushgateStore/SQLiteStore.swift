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
    /// The error of the last write when the file itself refused it (locked, full, read-only, I/O); cleared
    /// by the next write that commits (``writeUnavailableReason()``).
    private var lastWriteFailure: StoreError?

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
        let connection = try SQLiteConnection(
            path: path,
            busyTimeoutMilliseconds: busyTimeoutMilliseconds,
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

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`). Once a write has waited the whole busy
    /// timeout for another process's lock, the next ones try the lock without waiting until one gets it: the
    /// store's one connection serves reads too, and a queue of writes each waiting the timeout would stall
    /// every API call behind them instead of answering 503 at once.
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try db()
        let failFast = lastWriteFailure?.code == .busy
        if failFast { connection.setBusyTimeout(milliseconds: 0) }
        defer { if failFast { connection.setBusyTimeout(milliseconds: busyTimeoutMilliseconds) } }
        do {
            let value = try connection.transaction(immediate: true) { try body(connection) }
            lastWriteFailure = nil
            return value
        } catch let error as StoreError where Self.isUnavailability(error) {
            lastWriteFailure = error
            throw error
        }
    }

    /// Errors that say the file cannot take writes, as opposed to a write the data refused.
    static func isUnavailability(_ error: StoreError) -> Bool {
        [.busy, .io, .corrupt].contains(error.code)
    }

    /// After a write the file refused, one probe that commits a page without changing anything (the latest
    /// migration row rewritten as it is), without waiting for a lock (``write(_:)``): it fails while the
    /// lock is held, the disk is full or the file is read-only, and clears the failure once writes work.
    /// A probe rewrites WAL space a full disk may still hold, so after SQLITE_FULL the disk must also have
    /// room again (``minimumFreeBytes`` beside the file) before the store counts as writable.
    package func writeUnavailableReason() -> String? {
        guard let failure = lastWriteFailure else { return nil }
        if let code = failure.underlyingCode, code & 0xff == SQLITE_FULL, Self.freeBytes(besides: path).map({ $0 < Self.minimumFreeBytes }) ?? false {
            return failure.message
        }
        do {
            try write { db in
                try db.execute("UPDATE schema_migrations SET version = version WHERE version = (SELECT MAX(version) FROM schema_migrations)")
            }
            return nil
        } catch {
            return (lastWriteFailure ?? failure).message
        }
    }

    /// Free space that counts as "room again" after a full disk.
    static let minimumFreeBytes: UInt64 = 1 << 20

    /// The bytes an unprivileged process may still write on the file system holding `path` (statvfs).
    static func freeBytes(besides path: String) -> UInt64? {
        var info = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    private var busyTimeoutMilliseconds: Int32 { Int32(clamping: Int((configuration.busyTimeout * 1000).rounded())) }

    /// Runs `body` in a read transaction, so multi-statement reads see one snapshot.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try db()
        return try connection.transaction(immediate: false) { try body(connection) }
    }
}
