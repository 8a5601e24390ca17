import Foundation
import PushgateCore
import PushgateHTTPServer

/// Request routing and the API calls (docs/provider-apis.md §3.2–§3.6), in the answer shapes the
/// configuration picks (§3.9).
extension CloudRunEmulator {
    /// A parsed `/v2/…` path.
    struct Route {
        var operation: String
        var project: String
        var parent: String
        var jobName: String?
        var executionName: String?
        var operationName: String?
    }

    func handle(_ request: ServerRequest) -> ServerResponse {
        let now = Date()
        if request.path == "/_emulator/stats" { return .json(200, statistics.json.serialized()) }
        if request.path == configuration.tokenPath { return tokenEndpoint.handle(request, now: now) }
        guard let route = Self.route(request) else {
            state.withLock { $0.statistics.invalidRequests += 1 }
            return Self.error(404, "The requested URL \(request.path) was not found on this server.")
        }
        state.withLock { $0.statistics.calls[route.operation, default: 0] += 1 }
        switch tokens.check(authorization: request.headers["Authorization"], scope: tokenEndpoint.configuration.requiredScope, now: now) {
        case .valid: break
        case .missing, .unknown, .expired:
            state.withLock { $0.statistics.unauthorized += 1 }
            return Self.error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
            ).with(header: "WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"")
        }
        guard configuration.projects.contains(route.project) else {
            return Self.error(403, "Permission denied on resource project \(route.project).")
        }
        return FaultInjector.respond(faults.fault(for: route.operation), errorBody: { Self.errorBody($0, "injected fault") }) {
            process(route, request, now: now)
        }
    }

    static func route(_ request: ServerRequest) -> Route? {
        guard request.path.hasPrefix("/v2/") else { return nil }
        let parts = request.path.dropFirst(4).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 5, parts[0] == "projects", parts[2] == "locations", !parts[1].isEmpty, !parts[3].isEmpty else {
            return nil
        }
        let parent = "projects/\(parts[1])/locations/\(parts[3])"
        var route = Route(operation: "", project: parts[1], parent: parent)
        let rest = Array(parts[4...])
        switch (request.method, rest.count) {
        case ("POST", 1) where rest[0] == "jobs":
            route.operation = "jobs.create"
        case ("GET", 2) where rest[0] == "operations":
            route.operation = "operations.get"
            route.operationName = "\(parent)/operations/\(rest[1])"
        case (_, 2) where rest[0] == "jobs":
            if request.method == "POST", rest[1].hasSuffix(":run") {
                route.operation = "jobs.run"
                route.jobName = "\(parent)/jobs/\(rest[1].dropLast(4))"
            } else if request.method == "GET" || request.method == "DELETE" {
                route.operation = request.method == "GET" ? "jobs.get" : "jobs.delete"
                route.jobName = "\(parent)/jobs/\(rest[1])"
            } else {
                return nil
            }
        case ("GET", 3) where rest[0] == "jobs" && rest[2] == "executions":
            route.operation = "executions.list"
            route.jobName = "\(parent)/jobs/\(rest[1])"
        case (_, 4) where rest[0] == "jobs" && rest[2] == "executions":
            route.jobName = "\(parent)/jobs/\(rest[1])"
            if request.method == "POST", rest[3].hasSuffix(":cancel") {
                route.operation = "executions.cancel"
                route.executionName = "\(parent)/jobs/\(rest[1])/executions/\(rest[3].dropLast(7))"
            } else if request.method == "GET" {
                route.operation = "executions.get"
                route.executionName = "\(parent)/jobs/\(rest[1])/executions/\(rest[3])"
            } else {
                return nil
            }
        case ("GET", 5) where rest[0] == "jobs" && rest[2] == "executions" && rest[4] == "tasks":
            route.operation = "tasks.list"
            route.jobName = "\(parent)/jobs/\(rest[1])"
            route.executionName = "\(parent)/jobs/\(rest[1])/executions/\(rest[3])"
        default:
            return nil
        }
        return route
    }

    func process(_ route: Route, _ request: ServerRequest, now: Date) -> ServerResponse {
        switch route.operation {
        case "jobs.create": return createJob(route, request, now: now)
        case "jobs.get": return getJob(route.jobName ?? "")
        case "jobs.run": return runJob(route, now: now)
        case "jobs.delete": return deleteJob(route, now: now)
        case "executions.get": return getExecution(route.executionName ?? "", now: now)
        case "executions.list": return listExecutions(route, request, now: now)
        case "executions.cancel": return cancelExecution(route)
        case "tasks.list": return listTasks(route.executionName ?? "", now: now)
        case "operations.get": return getOperation(route.operationName ?? "", now: now)
        default: return Self.error(404, "not found")
        }
    }

    private func invalid(_ message: String) -> ServerResponse {
        state.withLock { $0.statistics.invalidRequests += 1 }
        return Self.error(400, message)
    }

    func createJob(_ route: Route, _ request: ServerRequest, now: Date) -> ServerResponse {
        guard let jobID = request.queryValue("jobId"), !jobID.isEmpty else {
            return invalid("job_id: Field is required.")
        }
        guard CloudRunJobBodyCheck.isValidJobID(jobID) else {
            return invalid(
                "Invalid job_id \"\(jobID)\": must use lowercase letters, digits and '-', start with a letter, not end with '-', at most 63 characters."
            )
        }
        guard request.headers["Content-Type"]?.hasPrefix("application/json") == true else {
            return invalid("Invalid JSON payload received. Content-Type must be application/json.")
        }
        guard let body = try? JSONValue.parse(request.body) else {
            return invalid("Invalid JSON payload received. Unexpected token.")
        }
        if let problem = CloudRunJobBodyCheck.problem(in: body) { return invalid(problem) }
        let jobName = "\(route.parent)/jobs/\(jobID)"
        return state.withLock { state -> ServerResponse in
            if state.jobs[jobName] != nil {
                state.statistics.duplicateCreates += 1
                return Self.error(409, "Resource '\(jobID)' already exists.")
            }
            let image = body.member(at: "template", "template")?["containers"]?.arrayValue?.first?["image"]?.stringValue ?? ""
            var job = CloudRunEmulatorState.Job(name: jobName, id: jobID, body: body, createTime: now)
            if image.contains("missing") { job.notReadyReason = "CONTAINER_MISSING" }
            state.jobs[jobName] = job
            state.statistics.jobsCreated += 1
            let operation = state.newOperation(parent: route.parent, .createJob(jobName))
            return .json(200, operationJSON(operation, state: state).serialized())
        }
    }

    /// The job as `jobs.get` answers it, `latestCreatedExecution.name` in the configured form.
    func jobJSON(_ job: CloudRunEmulatorState.Job, _ state: CloudRunEmulatorState) -> JSONValue {
        state.jobJSON(job, operationPolls: configuration.operationPolls, referenceName: configuration.executionReferenceName)
    }

    func getJob(_ jobName: String) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var job = state.jobs[jobName] else { return Self.error(404, "Resource '\(jobName)' was not found") }
            // A stale read (`jobNotFoundReads`): the job exists and has run, yet the read misses it.
            if !job.executions.isEmpty, job.notFoundReads < configuration.jobNotFoundReads {
                job.notFoundReads += 1
                state.jobs[jobName] = job
                state.statistics.staleNotFounds += 1
                return Self.error(404, "Resource '\(jobName)' was not found")
            }
            if !state.isReady(job, operationPolls: configuration.operationPolls) {
                job.reads += 1
                state.jobs[jobName] = job
            }
            return .json(200, jobJSON(job, state).serialized())
        }
    }

    func runJob(_ route: Route, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard let jobName = route.jobName, var job = state.jobs[jobName] else {
                return Self.error(404, "Resource '\(route.jobName ?? "")' was not found")
            }
            guard state.isReady(job, operationPolls: configuration.operationPolls) else {
                return Self.error(400, "Job \(job.id) is not ready.", status: "FAILED_PRECONDITION")
            }
            let container = job.body.member(at: "template", "template")?["containers"]?.arrayValue?.first ?? .null
            let words = ((container["command"]?.arrayValue ?? []) + (container["args"]?.arrayValue ?? [])).compactMap(\.stringValue)
            let executionName = "\(jobName)/executions/\(job.id)-\(state.nextSuffix())"
            state.executions[executionName] = CloudRunEmulatorState.Execution(
                name: executionName,
                jobName: jobName,
                createTime: now,
                outcome: WorkloadOutcome.decide(image: container["image"]?.stringValue ?? "", command: words)
            )
            job.executions.append(executionName)
            state.jobs[jobName] = job
            state.statistics.executionsStarted += 1
            state.observeAll(pacing: configuration.pacing, now: now)
            state.statistics.peakConcurrentExecutions = max(state.statistics.peakConcurrentExecutions, state.unfinishedExecutions)
            let operation = state.newOperation(parent: route.parent, .runJob(executionName))
            return .json(200, operationJSON(operation, state: state).serialized())
        }
    }

    /// Refused with 400 FAILED_PRECONDITION while one of the job's executions is unfinished, as the real
    /// API does (docs/provider-apis.md §3.6): the caller must cancel it and delete once it has stopped.
    func deleteJob(_ route: Route, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard let jobName = route.jobName, let job = state.jobs[jobName] else {
                return Self.error(404, "Resource '\(route.jobName ?? "")' was not found")
            }
            state.observeAll(pacing: configuration.pacing, now: now)
            if let running = job.executions.first(where: { state.executions[$0]?.completionTime == nil }) {
                state.statistics.deletesRefused += 1
                return Self.error(
                    400,
                    "Job \(job.id) has an execution that is still running (\(running)). Cancel it or wait for it to finish before deleting the job.",
                    status: "FAILED_PRECONDITION"
                )
            }
            let snapshot = jobJSON(job, state)
            job.executions.forEach { state.executions[$0] = nil }
            state.jobs[jobName] = nil
            state.statistics.jobsDeleted += 1
            let operation = state.newOperation(parent: route.parent, .deleteJob(snapshot))
            return .json(200, operationJSON(operation, state: state).serialized())
        }
    }

    func getExecution(_ name: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var execution = state.executions[name] else { return Self.error(404, "Resource '\(name)' was not found") }
            // A stale read (`executionNotFoundReads`): the execution runs on, yet this read misses it.
            if execution.notFoundReads < configuration.executionNotFoundReads {
                execution.notFoundReads += 1
                state.executions[name] = execution
                state.statistics.staleNotFounds += 1
                return Self.error(404, "Resource '\(name)' was not found")
            }
            state.observe(name, pacing: configuration.pacing, now: now, countRead: true)
            return .json(200, state.executionJSON(state.executions[name]!).serialized())
        }
    }

    /// `executions.list` (docs/provider-apis.md §3.4): newest first, at most `pageSize` (capped by
    /// `executionListPageSize`) per page, `nextPageToken` while more remain; each listed execution counts
    /// as a status read. An empty list answers `{}` (proto3 JSON omits empty repeated fields).
    func listExecutions(_ route: Route, _ request: ServerRequest, now: Date) -> ServerResponse {
        let asked = request.queryValue("pageSize").flatMap { Int($0) } ?? 0
        guard asked >= 0 else { return invalid("page_size must not be negative.") }
        let size = min(asked == 0 ? configuration.executionListPageSize : asked, configuration.executionListPageSize)
        var offset = 0
        if let token = request.queryValue("pageToken"), !token.isEmpty {
            guard token.hasPrefix("page-"), let start = Int(token.dropFirst(5)), start >= 0 else {
                return invalid("Invalid page_token \"\(token)\".")
            }
            offset = start
        }
        return state.withLock { state -> ServerResponse in
            guard let jobName = route.jobName, let job = state.jobs[jobName] else {
                return Self.error(404, "Resource '\(route.jobName ?? "")' was not found")
            }
            let newestFirst = Array(job.executions.reversed())
            let page = newestFirst.dropFirst(offset).prefix(size)
            var items: [JSONValue] = []
            for name in page where state.executions[name] != nil {
                state.observe(name, pacing: configuration.pacing, now: now, countRead: true)
                items.append(state.executionJSON(state.executions[name]!))
            }
            var object: [String: JSONValue] = [:]
            if !items.isEmpty { object["executions"] = .array(items) }
            if offset + page.count < newestFirst.count { object["nextPageToken"] = .string("page-\(offset + page.count)") }
            return .json(200, JSONValue.object(object).serialized())
        }
    }

    func cancelExecution(_ route: Route) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard let name = route.executionName, var execution = state.executions[name] else {
                return Self.error(404, "Resource '\(route.executionName ?? "")' was not found")
            }
            guard execution.completionTime == nil else {
                return Self.error(400, "Execution \(name) has already completed.", status: "FAILED_PRECONDITION")
            }
            if !execution.cancelRequested { state.statistics.cancels += 1 }
            execution.cancelRequested = true
            state.executions[name] = execution
            let operation = state.newOperation(parent: route.parent, .cancelExecution(name))
            return .json(200, operationJSON(operation, state: state).serialized())
        }
    }

    func listTasks(_ name: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard let execution = state.executions[name] else { return Self.error(404, "Resource '\(name)' was not found") }
            return .json(200, state.tasksJSON(execution).serialized())
        }
    }

    func getOperation(_ name: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard let operation = state.operations[name] else { return Self.error(404, "Operation '\(name)' was not found") }
            state.operationReads[name, default: 0] += 1
            if case .createJob(let jobName) = operation, var job = state.jobs[jobName],
                !state.isReady(job, operationPolls: configuration.operationPolls)
            {
                job.reads += 1
                state.jobs[jobName] = job
            }
            if case .runJob(let execution) = operation { state.observe(execution, pacing: configuration.pacing, now: now, countRead: false) }
            return .json(200, operationJSON(name, state: state).serialized())
        }
    }

    /// `{"name","metadata":{"@type",…},"done",["response"|"error"]}` (§3.1).
    func operationJSON(_ name: String, state: CloudRunEmulatorState) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(name)]
        switch state.operations[name] {
        case .createJob(let jobName)?:
            guard let job = state.jobs[jobName] else {
                object["done"] = true
                object["error"] = ["code": 5, "message": "The job was deleted."]
                break
            }
            var metadata = jobJSON(job, state).objectValue ?? [:]
            metadata["@type"] = "type.googleapis.com/google.cloud.run.v2.Job"
            object["metadata"] = .object(metadata)
            if job.notReadyReason != nil {
                object["done"] = true
                object["error"] = ["code": 9, "message": .string("Image '\(jobImage(job))' not found.")]
            } else if state.isReady(job, operationPolls: configuration.operationPolls) {
                object["done"] = true
                object["response"] = .object(metadata)
            } else {
                object["done"] = false
            }
        case .runJob(let execution)?:
            guard let record = state.executions[execution] else {
                object["done"] = true
                object["error"] = ["code": 5, "message": "The execution was deleted."]
                break
            }
            var metadata = state.executionJSON(record).objectValue ?? [:]
            metadata["@type"] = "type.googleapis.com/google.cloud.run.v2.Execution"
            if configuration.runOperationMetadata { object["metadata"] = .object(metadata) }
            let done: Bool
            if let polls = configuration.runOperationPolls {
                done = state.operationReads[name, default: 0] >= polls
            } else {
                done = record.completionTime != nil
            }
            object["done"] = .bool(done)
            if done { object["response"] = .object(metadata) }
        case .cancelExecution(let execution)?:
            guard let record = state.executions[execution] else {
                object["done"] = true
                object["error"] = ["code": 5, "message": "The execution was deleted."]
                break
            }
            var metadata = state.executionJSON(record).objectValue ?? [:]
            metadata["@type"] = "type.googleapis.com/google.cloud.run.v2.Execution"
            object["metadata"] = .object(metadata)
            object["done"] = .bool(record.completionTime != nil)
            if record.completionTime != nil { object["response"] = .object(metadata) }
        case .deleteJob(let snapshot)?:
            var metadata = snapshot.objectValue ?? [:]
            metadata["@type"] = "type.googleapis.com/google.cloud.run.v2.Job"
            object["metadata"] = .object(metadata)
            object["done"] = true
            object["response"] = .object(metadata)
        case nil:
            object["done"] = false
        }
        return .object(object)
    }

    private func jobImage(_ job: CloudRunEmulatorState.Job) -> String {
        job.body.member(at: "template", "template")?["containers"]?.arrayValue?.first?["image"]?.stringValue ?? ""
    }
}
