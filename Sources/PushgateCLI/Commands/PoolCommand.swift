import Foundation
import PushgateCore
import PushgateRegistry
import PushgateStore

/// `pushgate pool ...`: create, list, inspect, pause/resume, limit, delete and preview push work pools.
enum PoolCommand: CLICommand {
    static let name = "pool"
    static let subcommands = ["create", "ls", "inspect", "update", "pause", "resume", "set-concurrency", "delete", "preview"]
    static let summary = "manage work pools (create, ls, inspect, update, pause, resume, set-concurrency, delete, preview)"
    static let help = """
        usage: pushgate [--db PATH] pool SUBCOMMAND ...

          pool create NAME --type TYPE [--template FILE] [--concurrency N] [--credentials PROFILE] [--paused]
                      [--allow-undeclared-variables] [--credentials-file FILE]
              TYPE is one of the types below. Without --template the type's default from
              templates/ (or $PUSHGATE_TEMPLATES) is used. The template is validated before anything is stored.
              Job variables the template does not declare are refused; --allow-undeclared-variables drops
              them instead, as Prefect does. With a credentials file (--credentials-file or
              $PUSHGATE_CREDENTIALS) the profile must be in it, of the kind the type needs.
          pool ls [--json]
          pool inspect NAME [--json]
          pool update NAME [--template FILE [--force]] [--allow-undeclared-variables | --refuse-undeclared-variables]
                      [--credentials PROFILE|none [--credentials-file FILE]] [--json]
              A new template is validated, then every deployment of the pool and every run not yet submitted
              is checked against it: if any would no longer fit, each is listed and nothing changes (exit 1),
              unless --force, which applies it and marks those deployments invalid (their new runs are
              refused until fixed). Runs already submitted keep the template version they were sent with.
              `pushgate validate --against POOL FILE` shows the same report without changing anything.
          pool pause NAME
          pool resume NAME
          pool set-concurrency NAME N|none
          pool delete NAME                 refused while deployments use the pool
          pool preview NAME [--upcoming N] [--json]
              The due and upcoming runs in the order a claim now would submit them; held runs say why
              (pool paused, queue paused, pool full, queue full, deployment full, not due yet).
              --json prints {"runs": [{id, deployment, queue, priority, scheduled_time, state, status: next|held,
              reason}], "total": N waiting runs}.

        types:
        \(ProviderRegistry.typeList)

        The database is --db PATH, else $PUSHGATE_DB, else ./pushgate.db.
        exit status: 0 success, 1 rejected (unknown name, duplicate, invalid value or template), 2 usage or I/O error
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        await SubcommandDispatch.run(
            "pool",
            arguments,
            valueOptions: ["type", "template", "concurrency", "credentials", "credentials-file", "upcoming"],
            flagOptions: ["json", "paused", "force", "allow-undeclared-variables", "refuse-undeclared-variables"],
            context: context
        ) { sub in
            switch sub {
            case "create":
                return .init(
                    create,
                    accepts: ["type", "template", "concurrency", "credentials", "credentials-file", "paused", "allow-undeclared-variables"]
                )
            case "ls", "list": return .init(list, accepts: ["json"])
            case "inspect": return .init(inspect, accepts: ["json"])
            case "update":
                return .init(
                    update,
                    accepts: [
                        "template", "force", "allow-undeclared-variables", "refuse-undeclared-variables", "credentials", "credentials-file", "json",
                    ]
                )
            case "pause", "resume": return .init { try await pause($0, sub == "pause", $1, $2) }
            case "set-concurrency": return .init(setConcurrency)
            case "delete", "rm": return .init(delete)
            case "preview": return .init(preview, accepts: ["upcoming", "json"])
            default: return nil
            }
        }
    }

    private static func create(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        let catalog = ProviderRegistry.catalog
        guard let typeName = parsed.option("type") else { throw UsageError("missing --type TYPE (\(catalog.supportedTypes))") }
        guard let type = catalog.type(forPoolType: typeName) else {
            throw InputError("unknown pool type '\(typeName)' (supported: \(catalog.supportedTypes))")
        }
        let kind = type.kind
        let limit = try LimitArgument.option(parsed, "concurrency")
        let loaded = try PoolTemplate.load(file: parsed.option("template"), type: type, context)
        let profileDefaults = try ProfileCheck.check(profile: parsed.option("credentials"), type: type, parsed, context)
        let (template, filled) = PoolTemplate.supplying(profileDefaults, to: loaded)
        return await StoreAccess.withStore(command, context) { store in
            let pool = try await store.createPool(
                WorkPoolSpec(
                    name: name,
                    type: kind.rawValue,
                    baseJobTemplate: template,
                    concurrencyLimit: limit,
                    isPaused: parsed.flag("paused"),
                    credentialsProfile: parsed.option("credentials"),
                    undeclaredVariables: parsed.flag("allow-undeclared-variables") ? .drop : .refuse
                ),
                now: Date()
            )
            context.print("created pool '\(pool.name)' (\(pool.type)) with queue 'default'")
            if !filled.isEmpty {
                context.print("template defaults from profile '\(parsed.option("credentials") ?? "")': \(filled.joined(separator: ", "))")
            }
            return .success
        }
    }

    private static func list(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        _ = try SubcommandDispatch.operands(parsed, [])
        return await StoreAccess.withStore(command, context) { store in
            let pools = try await store.pools()
            let now = Date()
            var rows: [(WorkPool, WorkQueueStatus)] = []
            for pool in pools { rows.append((pool, ModelJSON.status(pool, queues: try await store.queues(pool: pool.name), now: now))) }
            TableOutput.list(
                parsed,
                context,
                json: rows.map { ModelJSON.pool($0.0, status: $0.1) },
                header: ["NAME", "TYPE", "STATUS", "CONCURRENCY", "CREDENTIALS"],
                rows: rows.map { pool, status in
                    [pool.name, pool.type, status.rawValue, pool.concurrencyLimit.map(String.init) ?? "none", pool.credentialsProfile ?? "-"]
                }
            )
            return .success
        }
    }

    private static func inspect(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        return await StoreAccess.withStore(command, context) { store in
            let pool = try await store.pool(named: name)
            let queues = try await store.queues(pool: name)
            let now = Date()
            let inFlight = try await store.runs(FlowRunFilter(states: RunState.inFlight, poolName: name, limit: Int.max)).count
            var object = ModelJSON.pool(pool, status: ModelJSON.status(pool, queues: queues, now: now)).objectValue ?? [:]
            object["active_slots"] = .int(Int64(inFlight))
            object["base_job_template"] = ModelJSON.document(pool.baseJobTemplate)
            object["queues"] = .array(queues.map { ModelJSON.queue($0, now: now) })
            if parsed.flag("json") {
                context.print(JSONValue.object(object).serialized(pretty: true))
                return .success
            }
            context.print(
                """
                name:         \(pool.name)
                type:         \(pool.type)
                status:       \(ModelJSON.status(pool, queues: queues, now: now).rawValue)\(pool.statusReason.map { " (cannot submit: \($0))" } ?? "")
                concurrency:  \(pool.concurrencyLimit.map(String.init) ?? "none") (\(inFlight) in flight)
                credentials:  \(pool.credentialsProfile ?? "-")
                variables:    \(pool.undeclaredVariables == .refuse ? "undeclared refused" : "undeclared dropped (as Prefect does)")
                template:     version \(pool.templateVersion)
                created:      \(TableOutput.time(pool.createdAt))
                queues:
                """
            )
            for queue in queues {
                context.print(
                    "  \(queue.priority). \(queue.name)  \(queue.status(now: now).rawValue)  concurrency \(queue.concurrencyLimit.map(String.init) ?? "none")"
                )
            }
            context.print("base job template:")
            context.print(ModelJSON.document(pool.baseJobTemplate).serialized(pretty: true))
            return .success
        }
    }

    private static func update(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        var change = WorkPoolUpdate()
        switch (parsed.flag("allow-undeclared-variables"), parsed.flag("refuse-undeclared-variables")) {
        case (true, true): throw UsageError("give either --allow-undeclared-variables or --refuse-undeclared-variables, not both")
        case (true, false): change.undeclaredVariables = .drop
        case (false, true): change.undeclaredVariables = .refuse
        case (false, false): break
        }
        let file = parsed.option("template")
        if parsed.flag("force") && file == nil { throw UsageError("--force applies only with --template FILE") }
        if let profile = parsed.option("credentials") { change.credentialsProfile = .some(profile == "none" ? nil : profile) }
        if parsed.option("credentials-file") != nil && change.credentialsProfile == nil {
            throw UsageError("--credentials-file applies only with --credentials PROFILE")
        }
        if file == nil && change.undeclaredVariables == nil && change.credentialsProfile == nil {
            throw UsageError("nothing to update: give --template FILE, --credentials PROFILE or --allow-/--refuse-undeclared-variables")
        }
        return await StoreAccess.withStore(command, context) { store in
            let pool = try await store.pool(named: name)
            var profileDefaults: [String: JSONValue] = [:]
            if case .some(let profile) = change.credentialsProfile, let type = ProviderRegistry.catalog.type(forPoolType: pool.type) {
                profileDefaults = try ProfileCheck.check(profile: profile, type: type, parsed, context)
            }
            var filled: [String] = []
            if let file {
                guard let type = ProviderRegistry.catalog.type(forPoolType: pool.type) else {
                    throw InputError("pool '\(name)' has type '\(pool.type)', which this pushgate does not know")
                }
                let text: String
                (text, filled) = PoolTemplate.supplying(profileDefaults, to: try PoolTemplate.load(file: file, type: type, context))
                var checked = pool
                checked.undeclaredVariables = change.undeclaredVariables ?? pool.undeclaredVariables
                let report = try await TemplateChangeReport.check(text, file: file, for: checked, in: store)
                if !report.isClean {
                    printReport(report, parsed, context)
                    if !parsed.flag("force") {
                        throw InputError(
                            "the template does not fit \(report.impacts.count) deployment(s) or run(s) of pool '\(name)'; nothing changed (--force applies it anyway)"
                        )
                    }
                }
                change.template = WorkPoolUpdate.TemplateChange(
                    baseJobTemplate: text,
                    expectedVersion: pool.templateVersion,
                    invalidDeployments: report.invalidDeployments
                )
            } else {
                let text: String
                (text, filled) = PoolTemplate.supplying(profileDefaults, to: pool.baseJobTemplate)
                if !filled.isEmpty {
                    change.template = WorkPoolUpdate.TemplateChange(
                        baseJobTemplate: text,
                        expectedVersion: pool.templateVersion,
                        invalidDeployments: [:]
                    )
                }
            }
            let updated = try await store.updatePool(named: name, change, now: Date())
            var summary = "updated pool '\(name)' (template version \(updated.templateVersion)"
            summary += ", undeclared job variables \(updated.undeclaredVariables == .refuse ? "refused" : "dropped")"
            summary += ", credentials \(updated.credentialsProfile ?? "none"))"
            if let marked = change.template?.invalidDeployments, !marked.isEmpty {
                summary += "; marked invalid: \(marked.keys.sorted().joined(separator: ", "))"
            }
            if !filled.isEmpty { summary += "; template defaults from the profile: \(filled.joined(separator: ", "))" }
            if !parsed.flag("json") { context.print(summary) }
            return .success
        }
    }

    /// The report of a template change: one line per problem, or `--json`'s array.
    static func printReport(_ report: TemplateChangeReport, _ parsed: ParsedArguments, _ context: CommandContext) {
        if parsed.flag("json") {
            context.print(report.jsonValue.serialized(pretty: true))
        } else {
            for line in report.lines { context.print(line) }
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
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        return await StoreAccess.withStore(command, context) { store in
            _ = try await store.updatePool(named: name, WorkPoolUpdate(isPaused: paused), now: Date())
            context.print("pool '\(name)' \(paused ? "paused" : "resumed")")
            return .success
        }
    }

    private static func setConcurrency(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let values = try SubcommandDispatch.operands(parsed, ["NAME", "N|none"])
        let limit = try LimitArgument.parse(values[1], option: "concurrency limit")
        return await StoreAccess.withStore(command, context) { store in
            _ = try await store.updatePool(named: values[0], WorkPoolUpdate(concurrencyLimit: .some(limit)), now: Date())
            context.print("pool '\(values[0])' concurrency limit: \(limit.map(String.init) ?? "none")")
            return .success
        }
    }

    private static func delete(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        return await StoreAccess.withStore(command, context) { store in
            try await store.deletePool(named: name)
            context.print("deleted pool '\(name)'")
            return .success
        }
    }

    private static func preview(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        let upcoming = try parsed.intOption("upcoming") ?? 20
        guard upcoming > 0 else { throw UsageError("--upcoming must be 1 or more") }
        return await StoreAccess.withStore(command, context) { store in
            let now = Date()
            let priorities = Dictionary(uniqueKeysWithValues: try await store.queues(pool: name).map { ($0.id, $0.priority) })
            let entries = try await store.preview(pool: name, now: now, upcoming: upcoming)
            let statusReason = try await store.pool(named: name).statusReason
            let waiting = try await store.countRuns(FlowRunFilter(states: [.scheduled, .late], poolName: name, limit: 0))
            if waiting > entries.count {
                context.error(
                    "pushgate pool preview: showing \(entries.count) of \(waiting.formatted()) waiting runs (\(upcoming) due and \(upcoming) upcoming per queue); --upcoming N for more"
                )
            }
            if parsed.flag("json") {
                let items: [JSONValue] = entries.map { entry in
                    var object = ModelJSON.preview(entry, poolStatusReason: statusReason).objectValue!
                    object["priority"] = ModelJSON.value(priorities[entry.run.queueID])
                    return .object(object)
                }
                context.print(JSONValue.object(["runs": .array(items), "total": .int(Int64(waiting))]).serialized(pretty: true))
                return .success
            }
            if entries.isEmpty {
                context.print("no scheduled runs in pool '\(name)'")
                return .success
            }
            var position = 0
            let rows: [[String]] = entries.map { entry in
                var order = "-"
                if entry.verdict == .next {
                    position += 1
                    order = String(position)
                }
                return [
                    order, entry.verdict == .next ? "next" : "held", entry.run.id, entry.run.deploymentName,
                    entry.run.queueName, TableOutput.time(entry.run.scheduledTime), entry.run.state.displayName,
                    entry.verdict.reason.map { $0 == .poolCannotSubmit ? "\($0.phrase): \(statusReason ?? "")" : $0.phrase } ?? "",
                ]
            }
            context.print(TableOutput.table(["#", "STATUS", "RUN", "DEPLOYMENT", "QUEUE", "SCHEDULED", "STATE", "REASON"], rows))
            return .success
        }
    }
}

extension SelectionDecision.Verdict {
    var reason: HoldReason? {
        if case .held(let reason) = self { return reason }
        return nil
    }
}
