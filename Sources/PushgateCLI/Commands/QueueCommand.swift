import Foundation
import PushgateCore
import PushgateStore

/// `pushgate queue ...`: work queues of a pool, their priorities, limits and status.
enum QueueCommand: CLICommand {
    static let name = "queue"
    static let subcommands = ["create", "ls", "inspect", "update", "pause", "resume", "delete"]
    static let summary = "manage a pool's work queues (create, ls, inspect, update, pause, resume, delete)"
    static let help = """
        usage: pushgate [--db PATH] queue SUBCOMMAND ...

          queue create POOL NAME [--priority P] [--concurrency N] [--paused]
              Priority 1 is the highest. A priority already taken is given to the new queue and the queues
              from there down move one lower (as in Prefect); without --priority the first free one is used.
          queue ls POOL [--json]           in priority order, with status READY / NOT_READY / PAUSED
          queue inspect POOL NAME [--json]
          queue update POOL NAME [--priority P] [--concurrency N|none]
          queue pause POOL NAME
          queue resume POOL NAME
          queue delete POOL NAME           refused for 'default' and for queues still in use

        A queue is PAUSED when paused, READY when the dispatcher considered it within the last 60 s, else NOT_READY.
        exit status: 0 success, 1 rejected (unknown name, duplicate, invalid value), 2 usage or I/O error
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        await SubcommandDispatch.run(
            "queue",
            arguments,
            valueOptions: ["priority", "concurrency"],
            flagOptions: ["json", "paused"],
            context: context
        ) { sub in
            switch sub {
            case "create": return .init(create, accepts: ["priority", "concurrency", "paused"])
            case "ls", "list": return .init(list, accepts: ["json"])
            case "inspect": return .init(inspect, accepts: ["json"])
            case "update": return .init(update, accepts: ["priority", "concurrency"])
            case "pause", "resume": return .init { try await pause($0, sub == "pause", $1, $2) }
            case "delete", "rm": return .init(delete)
            default: return nil
            }
        }
    }

    private static func priority(_ parsed: ParsedArguments) throws -> Int? {
        guard let value = try parsed.intOption("priority") else { return nil }
        guard value >= 1 else { throw InputError("--priority must be 1 or more (1 is the highest), got \(value)") }
        return value
    }

    private static func create(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let values = try SubcommandDispatch.operands(parsed, ["POOL", "NAME"])
        let spec = WorkQueueSpec(
            name: values[1],
            priority: try priority(parsed),
            concurrencyLimit: try LimitArgument.option(parsed, "concurrency"),
            isPaused: parsed.flag("paused")
        )
        return await StoreAccess.withStore(command, context) { store in
            let queue = try await store.createQueue(pool: values[0], spec, now: Date())
            context.print("created queue '\(queue.name)' in pool '\(queue.poolName)' with priority \(queue.priority)")
            return .success
        }
    }

    private static func list(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let pool = try SubcommandDispatch.operands(parsed, ["POOL"])[0]
        return await StoreAccess.withStore(command, context) { store in
            let queues = try await store.queues(pool: pool)
            let now = Date()
            TableOutput.list(
                parsed,
                context,
                json: queues.map { ModelJSON.queue($0, now: now) },
                header: ["PRIORITY", "NAME", "STATUS", "CONCURRENCY", "LAST CONSIDERED"],
                rows: queues.map { queue in
                    [
                        String(queue.priority), queue.name, queue.status(now: now).rawValue,
                        queue.concurrencyLimit.map(String.init) ?? "none", TableOutput.time(queue.lastConsideredAt),
                    ]
                }
            )
            return .success
        }
    }

    private static func inspect(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let values = try SubcommandDispatch.operands(parsed, ["POOL", "NAME"])
        return await StoreAccess.withStore(command, context) { store in
            let queue = try await store.queue(pool: values[0], named: values[1])
            let now = Date()
            if parsed.flag("json") {
                context.print(ModelJSON.queue(queue, now: now).serialized(pretty: true))
            } else {
                context.print(
                    """
                    name:             \(queue.name)
                    pool:             \(queue.poolName)
                    priority:         \(queue.priority)
                    status:           \(queue.status(now: now).rawValue)
                    concurrency:      \(queue.concurrencyLimit.map(String.init) ?? "none")
                    last considered:  \(TableOutput.time(queue.lastConsideredAt))
                    """
                )
            }
            return .success
        }
    }

    private static func update(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let values = try SubcommandDispatch.operands(parsed, ["POOL", "NAME"])
        var update = WorkQueueUpdate(priority: try priority(parsed))
        if let text = parsed.option("concurrency") {
            update.concurrencyLimit = .some(try LimitArgument.parse(text, option: "--concurrency"))
        }
        guard update.priority != nil || update.concurrencyLimit != nil else {
            throw UsageError("nothing to update: give --priority and/or --concurrency")
        }
        return await StoreAccess.withStore(command, context) { store in
            let queue = try await store.updateQueue(pool: values[0], named: values[1], update, now: Date())
            context.print(
                "queue '\(queue.name)' of pool '\(queue.poolName)': priority \(queue.priority), concurrency \(queue.concurrencyLimit.map(String.init) ?? "none")"
            )
            return .success
        }
    }

    private static func pause(
        _ parsed: ParsedArguments,
        _ paused: Bool,
        _ command: String,
        _ context: CommandContext
    ) async throws
        -> ExitCode
    {
        let values = try SubcommandDispatch.operands(parsed, ["POOL", "NAME"])
        return await StoreAccess.withStore(command, context) { store in
            _ = try await store.updateQueue(pool: values[0], named: values[1], WorkQueueUpdate(isPaused: paused), now: Date())
            context.print("queue '\(values[1])' of pool '\(values[0])' \(paused ? "paused" : "resumed")")
            return .success
        }
    }

    private static func delete(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let values = try SubcommandDispatch.operands(parsed, ["POOL", "NAME"])
        return await StoreAccess.withStore(command, context) { store in
            try await store.deleteQueue(pool: values[0], named: values[1])
            context.print("deleted queue '\(values[1])' of pool '\(values[0])'")
            return .success
        }
    }
}
