import Foundation
import PushgateCore
import PushgateStore

/// `pushgate deployment ...`: deployments, the queue their runs go to, and their job variables.
enum DeploymentCommand: CLICommand {
    static let name = "deployment"
    static let subcommands = ["create", "ls", "inspect", "update", "delete"]
    static let summary = "manage deployments (create, ls, inspect, update, delete)"
    static let help = """
        usage: pushgate [--db PATH] deployment SUBCOMMAND ...

          deployment create NAME --pool POOL [--queue QUEUE] [--vars JSON|@FILE] [--concurrency N]
              Runs go to QUEUE (default: the pool's 'default' queue). --vars are job variables checked
              against the pool's base job template.
          deployment ls [--pool POOL] [--json]
          deployment inspect NAME [--json]
          deployment update NAME [--pool POOL [--move-scheduled]] [--queue QUEUE] [--concurrency N|none]
                            [--vars JSON|@FILE | --set KEY=JSON ... --unset KEY ...]
              Changes what future runs get; runs already created keep their pool and queue. --vars replaces
              all the job variables; --set sets one (its value is JSON: --set cpu=1024, --set 'image="repo/x:2"')
              and --unset removes one, keeping the others (both repeatable). --pool switches
              the deployment to another pool, of any type (its 'default' queue unless --queue names one),
              once its job variables fit that pool's template; --move-scheduled moves its runs not yet
              claimed too, each checked first.
          deployment delete NAME
              Refused while the deployment has unfinished runs; its finished runs' records go with it.

        exit status: 0 success, 1 rejected (unknown name, duplicate, invalid value or job variables), 2 usage or I/O error
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        await SubcommandDispatch.run(
            "deployment",
            arguments,
            valueOptions: ["pool", "queue", "vars", "concurrency", "set", "unset"],
            flagOptions: ["json", "move-scheduled"],
            context: context
        ) { sub in
            switch sub {
            case "create": return .init(create, accepts: ["pool", "queue", "vars", "concurrency"])
            case "ls", "list": return .init(list, accepts: ["pool", "json"])
            case "inspect": return .init(inspect, accepts: ["json"])
            case "update": return .init(update, accepts: ["pool", "move-scheduled", "queue", "vars", "set", "unset", "concurrency"])
            case "delete", "rm": return .init(delete)
            default: return nil
            }
        }
    }

    private static func create(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        guard let poolName = parsed.option("pool") else { throw UsageError("missing --pool POOL") }
        let limit = try LimitArgument.option(parsed, "concurrency")
        let variables = try parsed.option("vars").map { try JSONArgument.load($0, option: "--vars") }
        return await StoreAccess.withStore(command, context) { store in
            let pool = try await store.pool(named: poolName)
            if let variables {
                try PoolTemplate.validateJobVariables(
                    pool: pool,
                    deployment: (variables.value, variables.source),
                    run: nil
                )
            }
            let deployment = try await store.createDeployment(
                DeploymentSpec(
                    name: name,
                    poolName: poolName,
                    queueName: parsed.option("queue"),
                    jobVariables: variables?.value.serialized(),
                    concurrencyLimit: limit
                ),
                now: Date()
            )
            context.print("created deployment '\(deployment.name)' on pool '\(deployment.poolName)', queue '\(deployment.queueName)'")
            return .success
        }
    }

    private static func update(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        var change = DeploymentUpdate(
            queueName: parsed.option("queue"),
            poolName: parsed.option("pool"),
            moveScheduled: parsed.flag("move-scheduled")
        )
        if change.moveScheduled && change.poolName == nil { throw UsageError("--move-scheduled applies only with --pool POOL") }
        if parsed.option("concurrency") != nil { change.concurrencyLimit = .some(try LimitArgument.option(parsed, "concurrency")) }
        var variables = try parsed.option("vars").map { try JSONArgument.load($0, option: "--vars") }
        let edits = try VariableEdits(set: parsed.options("set"), unset: parsed.options("unset"))
        if variables != nil && !edits.isEmpty { throw UsageError("give either --vars (replaces them all) or --set/--unset, not both") }
        return await StoreAccess.withStore(command, context) { store in
            let existing = try await store.deployment(named: name)
            if !edits.isEmpty {
                let current = existing.jobVariables.flatMap { try? JSONValue.parse($0) }?.objectValue ?? [:]
                variables = (value: .object(try edits.applied(to: current)), source: edits.source)
            }
            let pool = try await store.pool(named: change.poolName ?? existing.poolName)
            let deploymentVariables =
                variables.map { ($0.value, $0.source) } ?? (
                    existing.jobVariables.flatMap { try? JSONValue.parse($0) }, "deployment '\(name)' job_variables"
                )
            if variables != nil || pool.name != existing.poolName {
                try PoolTemplate.validateJobVariables(pool: pool, deployment: deploymentVariables, run: nil)
            }
            if let variables { change.jobVariables = .some(variables.value.serialized()) }
            if change.moveScheduled, pool.name != existing.poolName {
                // Each run to move must render in the new pool: checked before anything moves.
                let waiting = try await store.runs(FlowRunFilter(states: [.scheduled, .late], deploymentName: name, limit: Int.max))
                for run in waiting {
                    try PoolTemplate.validateJobVariables(
                        pool: pool,
                        deployment: deploymentVariables,
                        run: (run.jobVariables.flatMap { try? JSONValue.parse($0) }, "run \(run.id) job_variables")
                    )
                }
            }
            let deployment = try await store.updateDeployment(named: name, change, now: Date())
            context.print("updated deployment '\(deployment.name)' (pool '\(deployment.poolName)', queue '\(deployment.queueName)')")
            return .success
        }
    }

    private static func delete(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        return await StoreAccess.withStore(command, context) { store in
            try await store.deleteDeployment(named: name)
            context.print("deleted deployment '\(name)'")
            return .success
        }
    }

    private static func list(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        _ = try SubcommandDispatch.operands(parsed, [])
        return await StoreAccess.withStore(command, context) { store in
            let deployments = try await store.deployments(pool: parsed.option("pool"))
            TableOutput.list(
                parsed,
                context,
                json: deployments.map(ModelJSON.deployment),
                header: ["NAME", "POOL", "QUEUE", "CONCURRENCY", "STATUS"],
                rows: deployments.map {
                    [$0.name, $0.poolName, $0.queueName, $0.concurrencyLimit.map(String.init) ?? "none", $0.invalidReason == nil ? "ok" : "INVALID"]
                }
            )
            return .success
        }
    }

    private static func inspect(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let name = try SubcommandDispatch.operands(parsed, ["NAME"])[0]
        return await StoreAccess.withStore(command, context) { store in
            let deployment = try await store.deployment(named: name)
            if parsed.flag("json") {
                context.print(ModelJSON.deployment(deployment).serialized(pretty: true))
            } else {
                context.print(
                    """
                    name:           \(deployment.name)
                    pool:           \(deployment.poolName)
                    queue:          \(deployment.queueName)
                    concurrency:    \(deployment.concurrencyLimit.map(String.init) ?? "none")
                    job variables:  \(deployment.jobVariables ?? "{}")
                    status:         \(deployment.invalidReason.map { "INVALID \($0)" } ?? "ok")
                    created:        \(TableOutput.time(deployment.createdAt))
                    """
                )
            }
            return .success
        }
    }
}
