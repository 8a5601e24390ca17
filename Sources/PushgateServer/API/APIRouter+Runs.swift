import Foundation
import PushgateCore
import PushgateHTTPServer

extension APIRouter {
    func deployments(_ request: ServerRequest, _ path: [String]) async throws -> ServerResponse {
        switch (request.method, path.count) {
        case ("GET", 0):
            return APIRouter.json(200, .array(try await store.deployments(pool: request.queryValue("pool")).map(ModelJSON.deployment)))
        case ("POST", 0):
            let body = try RequestBody(request.body, allowed: ["name", "pool", "queue", "job_variables", "concurrency_limit"])
            let poolName = try body.string("pool", required: true)!
            let variables = try body.object("job_variables")
            let pool = try await store.pool(named: poolName)
            try validate(variables, pool: pool, deployment: nil, requireAll: false, source: "job_variables")
            let deployment = try await store.createDeployment(
                DeploymentSpec(
                    name: try body.string("name", required: true)!,
                    poolName: poolName,
                    queueName: try body.string("queue"),
                    jobVariables: variables?.serialized(),
                    concurrencyLimit: try body.int("concurrency_limit")
                ),
                now: clock.now()
            )
            return APIRouter.json(201, ModelJSON.deployment(deployment))
        case ("GET", 1):
            return APIRouter.json(200, ModelJSON.deployment(try await store.deployment(named: path[0])))
        case ("PATCH", 1):
            let body = try RequestBody(request.body, allowed: ["queue", "job_variables", "concurrency_limit", "pool", "move_scheduled"])
            let existing = try await store.deployment(named: path[0])
            var update = DeploymentUpdate(
                queueName: try body.string("queue"),
                poolName: try body.string("pool"),
                moveScheduled: try body.bool("move_scheduled") ?? false
            )
            if update.moveScheduled && update.poolName == nil { throw APIError(422, "field 'move_scheduled' applies only with 'pool'") }
            let pool = try await store.pool(named: update.poolName ?? existing.poolName)
            var variables = existing.jobVariables.flatMap { try? JSONValue.parse($0) }
            if body.isExplicitNull("job_variables") {
                update.jobVariables = .some(nil)
                variables = nil
            } else if let given = try body.object("job_variables") {
                update.jobVariables = .some(given.serialized())
                variables = given
            }
            // New variables, or the deployment's own moving to another pool, must fit that pool's template.
            if update.jobVariables != nil || pool.name != existing.poolName {
                try validate(variables, pool: pool, deployment: nil, requireAll: false, source: "job_variables")
            }
            if update.moveScheduled, pool.name != existing.poolName {
                var moving = existing
                moving.jobVariables = variables?.serialized()
                let waiting = try await store.runs(FlowRunFilter(states: [.scheduled, .late], deploymentName: existing.name, limit: Int.max))
                for run in waiting {
                    try validate(
                        run.jobVariables.flatMap { try? JSONValue.parse($0) },
                        pool: pool,
                        deployment: moving,
                        requireAll: true,
                        source: "run \(run.id) job_variables"
                    )
                }
            }
            if body.isExplicitNull("concurrency_limit") {
                update.concurrencyLimit = .some(nil)
            } else if let limit = try body.int("concurrency_limit") {
                update.concurrencyLimit = .some(limit)
            }
            return APIRouter.json(200, ModelJSON.deployment(try await store.updateDeployment(named: path[0], update, now: clock.now())))
        case ("DELETE", 1):
            try await store.deleteDeployment(named: path[0])
            return ServerResponse(status: 204)
        default:
            throw APIError.notFound("no route for \(request.method) \(request.path)")
        }
    }

    /// Job variables checked against the pool's template before anything is stored.
    private func validate(_ variables: JSONValue?, pool: WorkPool, deployment: Deployment?, requireAll: Bool, source: String) throws {
        let template: BaseJobTemplate
        do {
            template = try BaseJobTemplate(data: Data(pool.baseJobTemplate.utf8), file: "pool '\(pool.name)' template")
        } catch {
            throw APIError.invalid("the pool's template is invalid", error.problems)
        }
        let deploymentVariables = deployment?.jobVariables.flatMap { try? JSONValue.parse($0) }
        let problems = template.validateJobVariables(
            deployment: .init(deployment == nil ? variables : deploymentVariables, name: deployment == nil ? source : "deployment job_variables"),
            run: .init(deployment == nil ? nil : variables, name: source),
            requireAll: requireAll,
            undeclared: pool.undeclaredVariables
        )
        if !problems.isEmpty { throw APIError.invalid("invalid \(source)", problems) }
    }

    func flowRuns(_ request: ServerRequest, _ path: [String]) async throws -> ServerResponse {
        let now = clock.now()
        switch (request.method, path.count) {
        case ("GET", 0):
            var states: [RunState] = []
            if let names = request.queryValue("state") {
                for name in names.split(separator: ",") {
                    guard
                        let state = RunState.allCases.first(where: {
                            $0.displayName.lowercased() == name.lowercased() || $0.rawValue == name.uppercased()
                        })
                    else {
                        throw APIError(422, "unknown state '\(name)'")
                    }
                    states.append(state)
                }
            }
            let limit =
                try request.queryValue("limit").map { text throws(APIError) -> Int in
                    guard let limit = Int(text), limit > 0 else { throw APIError(422, "limit must be a positive integer, got '\(text)'") }
                    return limit
                } ?? 200
            let runs = try await store.runs(
                FlowRunFilter(states: states, poolName: request.queryValue("pool"), deploymentName: request.queryValue("deployment"), limit: limit)
            )
            return APIRouter.json(200, .array(runs.map(ModelJSON.run)))
        case ("POST", 0):
            let body = try RequestBody(request.body, allowed: ["deployment", "scheduled_time", "job_variables", "idempotency_key"])
            let deployment = try await store.deployment(named: try body.string("deployment", required: true)!)
            var scheduled: Date?
            if let text = try body.string("scheduled_time") {
                guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: text.contains("."))) else {
                    throw APIError(422, "field 'scheduled_time' must be an ISO 8601 time, got '\(text)'")
                }
                scheduled = date
            }
            let variables = try body.object("job_variables")
            try validate(
                variables,
                pool: try await store.pool(named: deployment.poolName),
                deployment: deployment,
                requireAll: true,
                source: "job_variables"
            )
            let creation = try await store.createRun(
                FlowRunSpec(
                    deploymentName: deployment.name,
                    scheduledTime: scheduled,
                    jobVariables: variables?.serialized(),
                    idempotencyKey: try body.string("idempotency_key")
                ),
                now: now
            )
            return APIRouter.json(creation.created ? 201 : 200, ModelJSON.run(creation.run))
        case ("GET", 1):
            let run = try await store.run(id: path[0])
            var object = ModelJSON.run(run).objectValue!
            object["history"] = .array(try await store.history(runID: run.id).map(ModelJSON.transition))
            return APIRouter.json(200, .object(object))
        case ("GET", 2) where path[1] == "logs":
            return try await logs(request, runID: path[0], now: now)
        case ("POST", 2) where path[1] == "cancel":
            let body = try RequestBody(request.body, allowed: ["reason"])
            let run = try await store.requestCancel(runID: path[0], reason: try body.string("reason") ?? "cancelled through the API", now: now)
            return APIRouter.json(200, ModelJSON.run(run))
        default:
            throw APIError.notFound("no route for \(request.method) \(request.path)")
        }
    }
}
