import PushgateCore
import PushgateStore

/// The store the pool, queue, deployment and run commands work on: named by `--db` / `PUSHGATE_DB`,
/// opened for one command and closed when it is done.
enum StoreAccess {
    /// `--db`, else `PUSHGATE_DB`, else `./pushgate.db` (``PushgateCommand`` puts `--db` into `PUSHGATE_DB`).
    static func databasePath(_ context: CommandContext) -> String {
        context.environment["PUSHGATE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./pushgate.db"
    }

    /// Opens the store: a `postgres://` / `postgresql://` URL or libpq key=value string opens PostgreSQL, anything
    /// else is an SQLite path; `PUSHGATE_DB_BUSY_TIMEOUT` (seconds) overrides how long an SQLite write waits
    /// for a lock.
    static func open(_ context: CommandContext) async throws -> any Store {
        var configuration = SQLiteStore.Configuration()
        if let text = context.environment["PUSHGATE_DB_BUSY_TIMEOUT"], let seconds = Double(text), seconds >= 0 {
            configuration.busyTimeout = seconds
        }
        return try await StoreFactory.open(databasePath(context), sqlite: configuration)
    }

    /// Runs `body` with an open store, closes the store whether `body` returns or throws, and reports any
    /// failure as ``CommandErrorReport`` does. (`defer` cannot await `close()`, hence the two calls.)
    static func withStore(
        _ command: String,
        _ context: CommandContext,
        _ body: (any Store) async throws -> ExitCode
    ) async -> ExitCode {
        let store: any Store
        do {
            store = try await open(context)
        } catch {
            return CommandErrorReport.report(command, error, context)
        }
        do {
            let status = try await body(store)
            await store.close()
            return status
        } catch {
            await store.close()
            return CommandErrorReport.report(command, error, context)
        }
    }
}
