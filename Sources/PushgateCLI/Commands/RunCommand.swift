import Foundation
import PushgateCore
import PushgateServer
import PushgateStore

/// `pushgate run ...`: create, list, inspect and cancel flow runs.
enum RunCommand: CLICommand {
    static let name = "run"
    static let subcommands = ["create", "ls", "inspect", "cancel", "watch", "logs", "prune"]
    static let summary = "manage flow runs (create, ls, inspect, cancel, watch, logs, prune)"
    static let help = """
        usage: pushgate [--db PATH] run SUBCOMMAND ...

          run create DEPLOYMENT [--at ISO8601 | --in DURATION] [--vars JSON|@FILE] [--idempotency-key KEY] [--json]
              Schedules a run (default: now) and prints its id. With a KEY the deployment already used, prints
              that run's id and creates nothing. --vars are run job variables, checked against the pool's template.
              DURATION is like 30s, 5m, 1h30m, 2d.
          run ls [--state STATE] [--pool POOL] [--deployment NAME] [--limit N] [--after CURSOR] [--json]
              By scheduled time, N (default 200) at a time. STATE is Scheduled, Late, Pending, Running,
              Completed, Failed, Crashed, Cancelling or Cancelled (repeatable). When more runs match, stderr
              says how many and the cursor of the next page; --json prints {"runs": [...], "total": N,
              "next": CURSOR or null}.
          run inspect ID [--json]            with the state history
          run cancel ID [--reason TEXT]      a run not yet claimed is Cancelled; a claimed or running one Cancelling
          run watch ID [--interval SECONDS] [--timeout SECONDS]
              Prints the run's state changes as they happen until it ends (exit 0 Completed, 1 any other
              end or the timeout).
          run logs ID [--follow] [--lines N] [--max-bytes N] [--data-dir DIR] [--credentials FILE]
              The run's output as its provider keeps it (process pools: the command's stdout and stderr,
              from the gateway's data directory, default <db>.data or PUSHGATE_DATA_DIR): the last N lines
              (default 200) within N bytes (default 65536), or with --follow everything, then new output
              until the run ends. Exit 1 when the pool's type offers no logs.
          run prune --finished-before DURATION [--batch N] [--json]
              Deletes runs that ended more than DURATION ago (e.g. 30d) with their history, N (default
              64) per transaction, so a running gateway's claims are not held up; runs whose provider
              clean-up is pending are kept. An idempotency key of a pruned run can be used again.
              `serve --retain DURATION` does the same every minute.

        exit status: 0 success, 1 rejected (unknown name, invalid value, final state), 2 usage or I/O error
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        await SubcommandDispatch.run(
            "run",
            arguments,
            valueOptions: [
                "at", "in", "vars", "idempotency-key", "state", "pool", "deployment", "limit", "after", "finished-before", "batch", "reason", "owner",
                "claim-batch", "lease", "interval", "timeout", "lines", "max-bytes", "data-dir", "credentials",
            ],
            flagOptions: ["json", "follow"],
            context: context
        ) { sub in
            switch sub {
            case "create": return .init(create, accepts: ["at", "in", "vars", "idempotency-key", "json"])
            case "ls", "list": return .init(list, accepts: ["state", "pool", "deployment", "limit", "after", "json"])
            case "inspect": return .init(inspect, accepts: ["json"])
            case "cancel": return .init(cancel, accepts: ["reason"])
            case "watch": return .init(watch, accepts: ["interval", "timeout"])
            case "prune": return .init(prune, accepts: ["finished-before", "batch", "json"])
            case "logs": return .init(logs, accepts: ["follow", "lines", "max-bytes", "data-dir", "credentials", "interval"])
            // Not in the help: the crash-durability test's load generator (RunCommand+Stress.swift).
            case "stress": return .init(stress, accepts: ["pool", "deployment", "owner", "limit", "claim-batch", "lease"])
            default: return nil
            }
        }
    }

    private static func create(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let deploymentName = try SubcommandDispatch.operands(parsed, ["DEPLOYMENT"])[0]
        let now = Date()
        var scheduled: Date?
        switch (parsed.option("at"), parsed.option("in")) {
        case (let at?, nil): scheduled = try TimeArgument.parse(at)
        case (nil, let delay?): scheduled = now.addingTimeInterval(try DurationArgument.parse(delay))
        case (nil, nil): scheduled = nil
        case (_?, _?): throw UsageError("give either --at or --in, not both")
        }
        let variables = try parsed.option("vars").map { try JSONArgument.load($0, option: "--vars") }
        let key = parsed.option("idempotency-key")
        if let key, key.isEmpty { throw UsageError("--idempotency-key must not be empty") }
        return await StoreAccess.withStore(command, context) { store in
            let deployment = try await store.deployment(named: deploymentName)
            let pool = try await store.pool(named: deployment.poolName)
            try PoolTemplate.validateJobVariables(
                pool: pool,
                deployment: (deployment.jobVariables.flatMap { try? JSONValue.parse($0) }, "deployment '\(deployment.name)'"),
                run: (variables?.value, variables?.source ?? "--vars")
            )
            let creation = try await store.createRun(
                FlowRunSpec(
                    deploymentName: deploymentName,
                    scheduledTime: scheduled,
                    jobVariables: variables?.value.serialized(),
                    idempotencyKey: key
                ),
                now: now
            )
            if parsed.flag("json") {
                var object = ModelJSON.run(creation.run).objectValue ?? [:]
                object["created"] = .bool(creation.created)
                context.print(JSONValue.object(object).serialized(pretty: true))
            } else {
                context.print(creation.run.id)
            }
            return .success
        }
    }

    private static func prune(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        _ = try SubcommandDispatch.operands(parsed, [])
        guard let text = parsed.option("finished-before") else { throw UsageError("missing --finished-before DURATION (e.g. 30d)") }
        let keep = try DurationArgument.parse(text)
        let batch = try parsed.intOption("batch") ?? 64
        guard batch > 0 else { throw UsageError("--batch must be 1 or more") }
        return await StoreAccess.withStore(command, context) { store in
            let retention = Retention(
                store: store,
                clock: SystemClock(),
                logger: Logger(level: .error, sink: { _ in }),
                configuration: .init(keep: keep, batch: batch)
            )
            let cutoff = Date().addingTimeInterval(-keep)
            let deleted = try await retention.prune(finishedBefore: cutoff)
            if parsed.flag("json") {
                context.print(
                    JSONValue.object(["pruned": .int(Int64(deleted)), "finished_before": .string(ModelJSON.timestamp(cutoff))]).serialized(
                        pretty: true
                    )
                )
            } else {
                context.print("pruned \(deleted.formatted()) finished run(s) that ended before \(ModelJSON.timestamp(cutoff))")
            }
            return .success
        }
    }

    private static func list(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        _ = try SubcommandDispatch.operands(parsed, [])
        let states = try parsed.options("state").flatMap { text in
            try text.split(separator: ",").map { name -> RunState in
                guard let state = RunState(name: String(name)) else {
                    throw UsageError("unknown state '\(name)' (\(RunState.allCases.map(\.displayName).joined(separator: ", ")))")
                }
                return state
            }
        }
        let limit = try parsed.intOption("limit") ?? 200
        guard limit > 0 else { throw UsageError("--limit must be 1 or more") }
        let after = try parsed.option("after").map { token in
            guard let cursor = FlowRunFilter.Cursor(token: token) else {
                throw UsageError("--after: expected a cursor MILLISECONDS:RUN_ID as a previous page printed, got '\(token)'")
            }
            return cursor
        }
        return await StoreAccess.withStore(command, context) { store in
            var filter = FlowRunFilter(states: states, poolName: parsed.option("pool"), deploymentName: parsed.option("deployment"), limit: limit + 1)
            filter.after = after
            var runs = try await store.runs(filter)
            let more = runs.count > limit
            if more { runs.removeLast() }
            let next = more ? runs.last.map { FlowRunFilter.Cursor(after: $0).token } : nil
            // The total ignores the cursor: it is what the filter matches, counted only when it is more than shown.
            var total = runs.count
            if more || after != nil {
                filter.after = nil
                total = try await store.countRuns(filter)
            }
            if let next {
                context.error("pushgate run ls: showing \(runs.count) of \(total.formatted()) runs; --limit N or --after \(next) for more")
            }
            if parsed.flag("json") {
                let page: JSONValue = .object([
                    "runs": .array(runs.map(ModelJSON.run)), "total": .int(Int64(total)), "next": next.map(JSONValue.string) ?? .null,
                ])
                context.print(page.serialized(pretty: true))
                return .success
            }
            let rows = runs.map { run in
                [
                    run.id, run.deploymentName, run.poolName, run.queueName, run.state.displayName,
                    TableOutput.time(run.scheduledTime), String(run.attempt),
                ]
            }
            context.print(TableOutput.table(["ID", "DEPLOYMENT", "POOL", "QUEUE", "STATE", "SCHEDULED", "ATTEMPT"], rows))
            return .success
        }
    }

    private static func inspect(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let id = try SubcommandDispatch.operands(parsed, ["ID"])[0]
        return await StoreAccess.withStore(command, context) { store in
            let run = try await store.run(id: id)
            let history = try await store.history(runID: id)
            if parsed.flag("json") {
                var object = ModelJSON.run(run).objectValue ?? [:]
                object["history"] = .array(history.map(ModelJSON.transition))
                context.print(JSONValue.object(object).serialized(pretty: true))
                return .success
            }
            context.print(
                """
                id:               \(run.id)
                deployment:       \(run.deploymentName)
                pool / queue:     \(run.poolName) / \(run.queueName)
                state:            \(run.state.displayName) (\(run.stateReason))
                scheduled:        \(TableOutput.time(run.scheduledTime))
                attempt:          \(run.attempt)
                provider handle:  \(run.providerHandle ?? "-")
                template version: \(run.templateVersion.map(String.init) ?? "-")
                tracking:         \(run.trackingNote.map { "unconfirmed: \($0)" } ?? "-")
                lease:            \(run.leaseOwner.map { "\($0) until \(TableOutput.time(run.leaseExpiresAt))" } ?? "-")
                idempotency key:  \(run.idempotencyKey ?? "-")
                job variables:    \(run.jobVariables ?? "{}")
                history:
                """
            )
            for entry in history { context.print("  \(TableOutput.time(entry.at))  \(TableOutput.transition(entry))") }
            return .success
        }
    }

    /// Follows the run in the store (which `serve` updates) until it is terminal.
    private static func watch(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let id = try SubcommandDispatch.operands(parsed, ["ID"])[0]
        let interval = try parsed.option("interval").map(DurationArgument.parse) ?? 1
        let timeout = try parsed.option("timeout").map(DurationArgument.parse)
        guard interval > 0 else { throw UsageError("--interval must be more than 0") }
        return await StoreAccess.withStore(command, context) { store in
            let deadline = timeout.map { Date().addingTimeInterval($0) }
            var printed = 0
            while true {
                let run = try await store.run(id: id)
                let history = try await store.history(runID: id)
                for entry in history.dropFirst(printed) { context.print("\(TableOutput.time(entry.at))  \(TableOutput.transition(entry))") }
                printed = history.count
                if run.state.isTerminal { return run.state == .completed ? .success : .failure }
                if let deadline, Date() >= deadline {
                    context.error("pushgate run watch: run \(id) is still \(run.state.displayName) after the timeout")
                    return .failure
                }
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
        }
    }

    private static func cancel(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let id = try SubcommandDispatch.operands(parsed, ["ID"])[0]
        let reason = parsed.option("reason") ?? "cancelled from the command line"
        return await StoreAccess.withStore(command, context) { store in
            let run = try await store.requestCancel(runID: id, reason: reason, now: Date())
            context.print("run \(run.id) is \(run.state.displayName)")
            return .success
        }
    }
}
