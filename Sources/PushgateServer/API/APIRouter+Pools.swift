import Foundation
import PushgateCore
import PushgateHTTPServer

extension APIRouter {
    func workPools(_ request: ServerRequest, _ path: [String]) async throws -> ServerResponse {
        let now = clock.now()
        switch (request.method, path.count) {
        case ("GET", 0):
            var items: [JSONValue] = []
            for pool in try await store.pools() {
                items.append(ModelJSON.pool(pool, status: ModelJSON.status(pool, queues: try await store.queues(pool: pool.name), now: now)))
            }
            return APIRouter.json(200, .array(items))
        case ("POST", 0):
            let body = try RequestBody(
                request.body,
                allowed: [
                    "name", "type", "base_job_template", "concurrency_limit", "credentials_profile", "is_paused", "allow_undeclared_variables",
                ]
            )
            let name = try body.string("name", required: true)!
            let type = try body.string("type", required: true)!
            let providerType = try providerType(type)
            let kind = providerType.kind
            let templateText: String
            if let template = try body.object("base_job_template") {
                templateText = template.serialized()
            } else {
                templateText = try defaultTemplate(for: kind)
            }
            try checkTemplate(templateText, type: providerType)
            let pool = try await store.createPool(
                WorkPoolSpec(
                    name: name,
                    type: kind.rawValue,
                    baseJobTemplate: templateText,
                    concurrencyLimit: try body.int("concurrency_limit"),
                    isPaused: try body.bool("is_paused") ?? false,
                    credentialsProfile: try body.string("credentials_profile"),
                    undeclaredVariables: try body.bool("allow_undeclared_variables") == true ? .drop : .refuse
                ),
                now: now
            )
            return APIRouter.json(201, ModelJSON.pool(pool, status: ModelJSON.status(pool, queues: [], now: now)))
        case ("GET", 1):
            let pool = try await store.pool(named: path[0])
            var object = ModelJSON.pool(pool, status: ModelJSON.status(pool, queues: try await store.queues(pool: pool.name), now: now)).objectValue!
            object["base_job_template"] = ModelJSON.document(pool.baseJobTemplate)
            return APIRouter.json(200, .object(object))
        case ("PATCH", 1):
            let body = try RequestBody(
                request.body,
                allowed: ["is_paused", "concurrency_limit", "allow_undeclared_variables", "base_job_template", "force"]
            )
            var update = WorkPoolUpdate(isPaused: try body.bool("is_paused"))
            if body.isExplicitNull("concurrency_limit") {
                update.concurrencyLimit = .some(nil)
            } else if let limit = try body.int("concurrency_limit") {
                update.concurrencyLimit = .some(limit)
            }
            if let allow = try body.bool("allow_undeclared_variables") { update.undeclaredVariables = allow ? .drop : .refuse }
            if let template = try body.object("base_job_template") {
                update.template = try await templateChange(
                    template.serialized(),
                    pool: path[0],
                    undeclared: update.undeclaredVariables,
                    force: try body.bool("force") ?? false
                )
            } else if try body.bool("force") != nil {
                throw APIError(422, "field 'force' applies only with 'base_job_template'")
            }
            let pool = try await store.updatePool(named: path[0], update, now: now)
            return APIRouter.json(
                200,
                ModelJSON.pool(pool, status: ModelJSON.status(pool, queues: try await store.queues(pool: pool.name), now: now))
            )
        case ("DELETE", 1):
            try await store.deletePool(named: path[0])
            return ServerResponse(status: 204)
        case ("GET", 2) where path[1] == "preview":
            let entries = try await store.preview(pool: path[0], now: now, upcoming: Int(request.queryValue("upcoming") ?? "") ?? 10)
            let reason = try await store.pool(named: path[0]).statusReason
            return APIRouter.json(200, .array(entries.map { ModelJSON.preview($0, poolStatusReason: reason) }))
        case ("POST", 2) where path[1] == "dry_run":
            return try await dryRun(request, pool: path[0])
        case (_, 2...) where path[1] == "queues":
            return try await queues(request, pool: path[0], Array(path.dropFirst(2)))
        default:
            throw APIError.notFound("no route for \(request.method) \(request.path)")
        }
    }

    private func defaultTemplate(for kind: ProviderKind) throws -> String {
        guard let directory = templatesDirectory,
            let data = try? Data(contentsOf: directory.appendingPathComponent(kind.defaultTemplateFileName))
        else { throw APIError(422, "no base_job_template given and no default template for \(kind.rawValue) is installed") }
        return String(decoding: data, as: UTF8.self)
    }

    private func queues(_ request: ServerRequest, pool: String, _ path: [String]) async throws -> ServerResponse {
        let now = clock.now()
        switch (request.method, path.count) {
        case ("GET", 0):
            return APIRouter.json(200, .array(try await store.queues(pool: pool).map { ModelJSON.queue($0, now: now) }))
        case ("POST", 0):
            let body = try RequestBody(request.body, allowed: ["name", "priority", "concurrency_limit", "is_paused"])
            let queue = try await store.createQueue(
                pool: pool,
                WorkQueueSpec(
                    name: try body.string("name", required: true)!,
                    priority: try body.int("priority"),
                    concurrencyLimit: try body.int("concurrency_limit"),
                    isPaused: try body.bool("is_paused") ?? false
                ),
                now: now
            )
            return APIRouter.json(201, ModelJSON.queue(queue, now: now))
        case ("GET", 1):
            return APIRouter.json(200, ModelJSON.queue(try await store.queue(pool: pool, named: path[0]), now: now))
        case ("PATCH", 1):
            let body = try RequestBody(request.body, allowed: ["priority", "concurrency_limit", "is_paused"])
            var update = WorkQueueUpdate(priority: try body.int("priority"), isPaused: try body.bool("is_paused"))
            if body.isExplicitNull("concurrency_limit") {
                update.concurrencyLimit = .some(nil)
            } else if let limit = try body.int("concurrency_limit") {
                update.concurrencyLimit = .some(limit)
            }
            return APIRouter.json(200, ModelJSON.queue(try await store.updateQueue(pool: pool, named: path[0], update, now: now), now: now))
        case ("DELETE", 1):
            try await store.deleteQueue(pool: pool, named: path[0])
            return ServerResponse(status: 204)
        default:
            throw APIError.notFound("no route for \(request.method) \(request.path)")
        }
    }

    /// What a submission of a run of `deployment` in `pool` would send, signed where possible and with
    /// secrets redacted; nothing is sent.
    private func dryRun(_ request: ServerRequest, pool name: String) async throws -> ServerResponse {
        let body = try RequestBody(request.body, allowed: ["deployment", "job_variables"])
        guard let providers else { throw APIError(503, "no providers are configured") }
        let pool = try await store.pool(named: name)
        let deployment = try await store.deployment(named: try body.string("deployment", required: true)!)
        guard deployment.poolName == pool.name else {
            throw APIError(422, "deployment '\(deployment.name)' belongs to pool '\(deployment.poolName)'")
        }
        let now = clock.now()
        let run = FlowRun.dryRun(
            id: UUID().uuidString.lowercased(),
            deployment: deployment,
            pool: pool,
            jobVariables: try body.object("job_variables")?.serialized(),
            now: now
        )
        let job: SubmissionJob
        do {
            job = try SubmissionPlan.job(run: run, pool: pool, deployment: deployment, now: now)
        } catch {
            throw APIError.invalid("the run cannot be rendered", error.problems)
        }
        let provider = try providers.provider(for: pool)
        let problems = provider.validate(job)
        if !problems.isEmpty { throw APIError.invalid("the rendered configuration cannot be submitted", problems) }
        let steps = try await provider.dryRunSteps(job)
        return APIRouter.json(
            200,
            .array(
                steps.map { step in
                    switch step {
                    case .request(let request):
                        return .object([
                            "method": .string(request.method), "url": .string(request.url),
                            "headers": .array(request.headers.fields.map { .array([.string($0.name), .string($0.value)]) }),
                            "body": .string(String(decoding: request.body, as: UTF8.self)),
                        ])
                    case .command(let command):
                        return .object([
                            "command": .array(command.arguments.map { .string($0) }), "working_dir": .string(command.workingDirectory),
                            "env": .array(command.environment.map { .string($0) }), "notes": .array(command.notes.map { .string($0) }),
                        ])
                    }
                }
            )
        )
    }

    /// A template that parses and fits the pool type, or 422 naming every problem.
    private func checkTemplate(_ text: String, type: ProviderType) throws {
        do {
            let template = try BaseJobTemplate(data: Data(text.utf8), file: "base_job_template")
            let problems = template.problems(for: type)
            if !problems.isEmpty { throw APIError.invalid("invalid base_job_template", problems) }
        } catch let error as TemplateError {
            throw APIError.invalid("invalid base_job_template", error.problems)
        }
    }

    /// A new template for the pool, checked against its deployments and runs not yet submitted
    /// (docs/design.md "Enforced interfaces"): 422 listing each that would break, unless `force`.
    private func templateChange(
        _ text: String,
        pool name: String,
        undeclared: UndeclaredVariables?,
        force: Bool
    ) async throws
        -> WorkPoolUpdate.TemplateChange
    {
        var pool = try await store.pool(named: name)
        try checkTemplate(text, type: try providerType(pool.type))
        pool.undeclaredVariables = undeclared ?? pool.undeclaredVariables
        let report = try await TemplateChangeReport.check(text, file: "base_job_template", for: pool, in: store)
        if !report.isClean && !force {
            throw APIError.invalid(
                "the template does not fit \(report.impacts.count) deployment(s) or run(s) of pool '\(name)'; nothing changed (force applies it anyway)",
                report.impacts.flatMap(\.problems)
            )
        }
        return WorkPoolUpdate.TemplateChange(
            baseJobTemplate: text,
            expectedVersion: pool.templateVersion,
            invalidDeployments: report.invalidDeployments
        )
    }
}
