import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport

/// Runs `pushgate` in-process against a temporary database, with the repository's `templates/`.
final class PoolCLIHarness: Sendable {
    let directory: URL
    let database: String

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = directory.appendingPathComponent("test.db").path
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    struct Result {
        var status: ExitCode
        var out: String
        var err: String

        /// `out` parsed as JSON.
        var json: JSONValue? { try? JSONValue.parse(out) }
    }

    /// Runs `pushgate --db DATABASE ARGS...`.
    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) async -> Result {
        await run(arguments, environment: environment)
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) async -> Result {
        var env = ["PUSHGATE_TEMPLATES": Fixtures.repositoryRoot().appendingPathComponent("templates").path]
        env.merge(environment) { $1 }
        let (context, captured) = CommandContext.capturing(environment: env)
        let status = await PushgateCommand.main(["--db", database] + arguments, context: context)
        return Result(status: status, out: captured.stdout, err: captured.stderr)
    }

    /// Writes `text` to a file in the temporary directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
