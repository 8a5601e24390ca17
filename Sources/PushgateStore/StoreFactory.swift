import PushgateCore

/// Chooses the backend from what `--db` / `PUSHGATE_DB` names: a `postgres://` or `postgresql://` URL, or a
/// libpq key=value string (`host=... dbname=...`), opens ``PostgresStore``; anything else is an SQLite path.
package enum StoreFactory {
    package static func open(
        _ location: String,
        sqlite: SQLiteStore.Configuration = .init(),
        postgres: PostgresStore.Configuration = .init()
    ) async throws -> any Store {
        if PostgresConnectionInfo.isConnectionString(location) {
            return try await PostgresStore.open(location, configuration: postgres)
        }
        return try await SQLiteStore.open(path: location, configuration: sqlite)
    }
}
