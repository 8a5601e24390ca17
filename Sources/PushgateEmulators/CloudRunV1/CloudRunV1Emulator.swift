import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// A loopback fake of the Cloud Run V1 (Knative) Admin API plus Google's token endpoint, written from the
/// `run.v1` discovery document (docs/provider-apis.md §8): bearer tokens checked as the Cloud Run v2
/// emulator checks them, `jobs.create` with 409 on a taken name, `jobs.get` with a `Ready` condition that
/// settles after the configured reads, `:run`, `executions.get` walking pending → running → completed
/// (`Started`, `Completed` conditions), `executions.list` by `labelSelector`, `executions.delete` and
/// `jobs.delete`. The answer shapes the real API allows are options (``CloudRunV1EmulatorConfiguration``).
package final class CloudRunV1Emulator: Sendable {
    package let configuration: CloudRunV1EmulatorConfiguration
    package let tokens = IssuedTokens(prefix: "ya29.")
    let tokenEndpoint: GoogleTokenEndpoint
    let state = Mutex(CloudRunV1EmulatorState())
    private let server: Mutex<HTTPServer?> = Mutex(nil)
    private let boundURL = Mutex("")

    private init(configuration: CloudRunV1EmulatorConfiguration) throws(EmulatorError) {
        self.configuration = configuration
        tokenEndpoint = try GoogleTokenEndpoint(
            configuration: GoogleTokenEndpoint.Configuration(serviceAccounts: configuration.serviceAccounts),
            tokens: tokens
        )
    }

    package static func start(configuration: CloudRunV1EmulatorConfiguration) throws -> CloudRunV1Emulator {
        let emulator = try CloudRunV1Emulator(configuration: configuration)
        let server = try HTTPServer(configuration: configuration.server) { [weak emulator] request in
            emulator?.handle(request) ?? .text(503, "stopped")
        }
        emulator.server.withLock { $0 = server }
        emulator.boundURL.withLock { $0 = server.baseURL }
        return emulator
    }

    /// The profile's `run_endpoint`.
    package var baseURL: String { boundURL.withLock { $0 } }
    package var tokenURI: String { baseURL + configuration.tokenPath }

    package func stop() {
        let running = server.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        running?.stop()
    }

    /// Jobs created (not 409s), executions started and deleted, jobs still held.
    package var counts: (jobsCreated: Int, executionsStarted: Int, executionsDeleted: Int, jobsHeld: Int, invalidRequests: Int) {
        state.withLock { ($0.jobsCreated, $0.executionsStarted, $0.executionsDeleted, $0.jobs.count, $0.invalidRequests) }
    }

    /// Calls refused with 401, and tokens the token endpoint issued: what the credentials tests count.
    package var tokenCounts: (unauthorized: Int, tokensIssued: Int) { (state.withLock { $0.unauthorized }, tokens.count) }

    /// Makes every issued token expired, so the next call gets 401 and the client must refresh.
    package func expireTokens() { tokens.expireAll(now: Date()) }

    /// Executions started per job name.
    package var executionsPerJob: [String: Int] {
        state.withLock { state in
            var out: [String: Int] = [:]
            for execution in state.executions.values { out[execution.job, default: 0] += 1 }
            return out
        }
    }

    func handle(_ request: ServerRequest) -> ServerResponse {
        let now = Date()
        if request.path == configuration.tokenPath { return tokenEndpoint.handle(request, now: now) }
        let prefix = "/apis/run.googleapis.com/v1/namespaces/"
        guard request.path.hasPrefix(prefix) else {
            return CloudRunEmulator.error(404, "The requested URL \(request.path) was not found on this server.")
        }
        switch tokens.check(authorization: request.headers["Authorization"], scope: tokenEndpoint.configuration.requiredScope, now: now) {
        case .valid: break
        case .missing, .unknown, .expired:
            state.withLock { $0.unauthorized += 1 }
            return CloudRunEmulator.error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.")
        }
        let parts = request.path.dropFirst(prefix.count).split(separator: "/").map(String.init)
        guard let project = parts.first, configuration.projects.contains(project) else {
            return CloudRunEmulator.error(403, "Permission denied on resource project \(parts.first ?? "").")
        }
        let rest = Array(parts.dropFirst())
        switch (request.method, rest.count, rest.first) {
        case ("POST", 1, "jobs"): return createJob(project, request)
        case ("GET", 2, "jobs"): return getJob(rest[1])
        case ("DELETE", 2, "jobs"): return deleteJob(rest[1])
        case ("POST", 2, "jobs") where rest[1].hasSuffix(":run"): return runJob(project, String(rest[1].dropLast(4)), now: now)
        case ("GET", 1, "executions"): return listExecutions(request.queryValue("labelSelector") ?? "", now: now)
        case ("GET", 2, "executions"): return getExecution(rest[1], now: now)
        case ("DELETE", 2, "executions"): return deleteExecution(rest[1], now: now)
        default: return CloudRunEmulator.error(404, "The requested URL \(request.path) was not found on this server.")
        }
    }

    func createJob(_ project: String, _ request: ServerRequest) -> ServerResponse {
        guard let body = try? JSONValue.parse(request.body), body["apiVersion"] == "run.googleapis.com/v1", body["kind"] == "Job",
            let name = body["metadata"]?["name"]?.stringValue, !name.isEmpty,
            let container = body.member(at: "spec", "template", "spec", "template", "spec")?["containers"]?.arrayValue?.first,
            let image = container["image"]?.stringValue, !image.isEmpty
        else {
            state.withLock { $0.invalidRequests += 1 }
            return CloudRunEmulator.error(400, "Invalid Job: apiVersion, kind, metadata.name and a container image are required.")
        }
        return state.withLock { state -> ServerResponse in
            if state.jobs[name] != nil {
                state.duplicateCreates += 1
                return CloudRunEmulator.error(409, "Resource '\(name)' already exists.")
            }
            state.jobs[name] = .init(name: name, body: body, missingImage: image.contains("missing"))
            state.jobsCreated += 1
            var answer = body.objectValue ?? [:]
            var metadata = answer["metadata"]?.objectValue ?? [:]
            metadata["namespace"] = .string(project)
            answer["metadata"] = .object(metadata)
            return .json(200, JSONValue.object(answer).serialized())
        }
    }

    func jobJSON(_ job: CloudRunV1EmulatorState.Job) -> JSONValue {
        var status: [String: JSONValue] = [:]
        let ready: JSONValue =
            job.missingImage
            ? ["type": "Ready", "status": "False", "reason": "ContainerMissing", "message": "Image not found."]
            : ["type": "Ready", "status": job.reads > configuration.readyAfterReads ? "True" : "Unknown"]
        status["conditions"] = [ready]
        if let latest = job.executions.last { status["latestCreatedExecution"] = ["name": .string(latest)] }
        var body = job.body.objectValue ?? [:]
        body["status"] = .object(status)
        return .object(body)
    }

    func getJob(_ name: String) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var job = state.jobs[name] else { return CloudRunEmulator.error(404, "Resource '\(name)' was not found") }
            job.reads += 1
            state.jobs[name] = job
            return .json(200, jobJSON(job).serialized())
        }
    }

    func deleteJob(_ name: String) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard state.jobs.removeValue(forKey: name) != nil else { return CloudRunEmulator.error(404, "Resource '\(name)' was not found") }
            return .json(200, #"{"status":"Success"}"#)
        }
    }

    func runJob(_ project: String, _ name: String, now: Date) -> ServerResponse {
        let answer = runJobNow(project, name, now: now)
        if configuration.runAnswerDelay > 0 { usleep(UInt32(configuration.runAnswerDelay * 1_000_000)) }
        return answer
    }

    private func runJobNow(_ project: String, _ name: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var job = state.jobs[name] else { return CloudRunEmulator.error(404, "Resource '\(name)' was not found") }
            guard job.reads > configuration.readyAfterReads, !job.missingImage else {
                return CloudRunEmulator.error(400, "Job \(name) is not ready.", status: "FAILED_PRECONDITION")
            }
            state.suffix += 1
            let execution = "\(name)-\(String(state.suffix, radix: 36))"
            let container = job.body.member(at: "spec", "template", "spec", "template", "spec")?["containers"]?.arrayValue?.first ?? .null
            let words = ((container["command"]?.arrayValue ?? []) + (container["args"]?.arrayValue ?? [])).compactMap(\.stringValue)
            state.executions[execution] = .init(
                name: execution,
                job: name,
                createTime: now,
                outcome: WorkloadOutcome.decide(image: container["image"]?.stringValue ?? "", command: words)
            )
            job.executions.append(execution)
            state.jobs[name] = job
            state.executionsStarted += 1
            guard configuration.runAnswersExecution else { return .json(200, "{}") }
            return .json(200, executionJSON(state.executions[execution]!, project: project, now: now).serialized())
        }
    }

    /// The Execution as `executions.get` answers it, its phase from the configured pacing.
    func executionJSON(_ execution: CloudRunV1EmulatorState.Execution, project: String, now: Date) -> JSONValue {
        var status: [String: JSONValue] = [:]
        var conditions: [JSONValue] = []
        let phase = configuration.pacing.phase(reads: execution.reads, elapsed: now.timeIntervalSince(execution.createTime))
        if execution.cancelled {
            status["completionTime"] = "2026-01-01T00:00:00Z"
            status["cancelledCount"] = 1
            conditions.append(["type": "Completed", "status": "False", "reason": "Cancelled", "message": "The execution was cancelled."])
        } else {
            switch (phase, execution.outcome) {
            case (.pending, _): conditions.append(["type": "Started", "status": "Unknown"])
            case (.running, _):
                conditions.append(["type": "Started", "status": "True"])
                status["runningCount"] = 1
            case (.finished, .exit(0)):
                status["completionTime"] = "2026-01-01T00:00:00Z"
                status["succeededCount"] = 1
                conditions.append(["type": "Completed", "status": "True"])
            case (.finished, .exit(let code)):
                status["completionTime"] = "2026-01-01T00:00:00Z"
                status["failedCount"] = 1
                conditions.append(
                    ["type": "Completed", "status": "False", "reason": "NonZeroExitCode", "message": .string("Task failed with exit code \(code)")]
                )
            case (.finished, .crash):
                status["completionTime"] = "2026-01-01T00:00:00Z"
                conditions.append(["type": "ResourcesAvailable", "status": "False", "reason": "QuotaExceeded", "message": "CPU quota exceeded"])
                conditions.append(["type": "Completed", "status": "False", "reason": "ExecutionFailed"])
            }
        }
        status["conditions"] = .array(conditions)
        return [
            "apiVersion": "run.googleapis.com/v1", "kind": "Execution",
            "metadata": [
                "name": .string(execution.name), "namespace": .string(project), "labels": ["run.googleapis.com/job": .string(execution.job)],
            ],
            "status": .object(status),
        ]
    }

    func getExecution(_ name: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var execution = state.executions[name] else { return CloudRunEmulator.error(404, "Resource '\(name)' was not found") }
            if execution.notFoundReads < configuration.executionNotFoundReads {
                execution.notFoundReads += 1
                state.executions[name] = execution
                return CloudRunEmulator.error(404, "Resource '\(name)' was not found")
            }
            execution.reads += 1
            state.executions[name] = execution
            return .json(200, executionJSON(execution, project: configuration.projects.first ?? "", now: now).serialized())
        }
    }

    func listExecutions(_ selector: String, now: Date) -> ServerResponse {
        let job = selector.hasPrefix("run.googleapis.com/job=") ? String(selector.dropFirst("run.googleapis.com/job=".count)) : nil
        return state.withLock { state -> ServerResponse in
            let items = state.executions.values.filter { job == nil || $0.job == job }.sorted { $0.createTime > $1.createTime }
                .map { executionJSON($0, project: configuration.projects.first ?? "", now: now) }
            return .json(
                200,
                JSONValue.object(["apiVersion": "run.googleapis.com/v1", "kind": "ExecutionsList", "items": .array(items)]).serialized()
            )
        }
    }

    /// Deleting an execution stops it: it reads as cancelled until it is gone from reads of its job.
    func deleteExecution(_ name: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var execution = state.executions[name], !execution.cancelled else {
                return CloudRunEmulator.error(404, "Resource '\(name)' was not found")
            }
            let phase = configuration.pacing.phase(reads: execution.reads, elapsed: now.timeIntervalSince(execution.createTime))
            if phase != .finished { execution.cancelled = true }
            state.executions[name] = execution
            state.executionsDeleted += 1
            return .json(200, #"{"status":"Success"}"#)
        }
    }
}
