import Foundation
import PushgateProcess
import PushgateProviders

/// The gateway's data directory: where `process` pools keep their attempt directories and output. `serve`,
/// `demo`, `dry-run` and `run logs` must agree on it, so all derive it here: `--data-dir` /
/// `PUSHGATE_DATA_DIR`, else beside the SQLite file (`<db>.data`), else `./pushgate-data` for PostgreSQL.
enum DataDirectory {
    static func path(_ context: CommandContext, option: String? = nil) -> String {
        let configured = option ?? context.environment["PUSHGATE_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let database = StoreAccess.databasePath(context)
        let path = configured ?? (database.contains("://") ? "./pushgate-data" : database + ".data")
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// What providers that run on this host need; nil when this binary's path cannot be read.
    static func local(_ context: CommandContext, path: String) -> LocalExecution? {
        guard let executable = PosixProcessSupervisorClient.currentExecutable() else { return nil }
        return LocalExecution(
            dataDirectory: path,
            executablePath: executable,
            processes: PosixProcessSupervisorClient(executablePath: executable, environment: context.environment)
        )
    }
}
