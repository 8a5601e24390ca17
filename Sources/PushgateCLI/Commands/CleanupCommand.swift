import Foundation
import PushgateCore
import PushgateStore

/// `pushgate cleanup ls`: what finished runs left at their providers and the gateway has not yet removed
/// (a refused delete, a provider outage); each is retried with backoff by `serve` until done.
enum CleanupCommand: CLICommand {
    static let name = "cleanup"
    static let subcommands = ["ls"]
    static let summary = "list provider clean-ups still pending (ls)"
    static let help = """
        usage: pushgate [--db PATH] cleanup ls [--limit N] [--json]

          cleanup ls    clean-ups of finished runs not yet confirmed by their provider, soonest retry first:
                        run, pool, provider handle, failed attempts, next attempt and the last error.
                        `pushgate serve` retries each with backoff until the provider confirms it.

        exit status: 0 success, 2 usage or I/O error
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        await SubcommandDispatch.run("cleanup", arguments, valueOptions: ["limit"], flagOptions: ["json"], context: context) { sub in
            switch sub {
            case "ls", "list": return .init(list, accepts: ["limit", "json"])
            default: return nil
            }
        }
    }

    private static func list(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        _ = try SubcommandDispatch.operands(parsed, [])
        let limit = try parsed.intOption("limit") ?? 1_000
        guard limit > 0 else { throw UsageError("--limit must be 1 or more") }
        return await StoreAccess.withStore(command, context) { store in
            let cleanups = try await store.pendingCleanups(dueBy: nil, limit: limit)
            TableOutput.list(
                parsed,
                context,
                json: cleanups.map(ModelJSON.cleanup),
                header: ["RUN", "POOL", "STATE", "HANDLE", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"],
                rows: cleanups.map { cleanup in
                    [
                        cleanup.run.id, cleanup.run.poolName, cleanup.run.state.displayName, cleanup.providerHandle,
                        String(cleanup.attempts), TableOutput.time(cleanup.nextAttemptAt), cleanup.lastError ?? "-",
                    ]
                }
            )
            return .success
        }
    }
}
