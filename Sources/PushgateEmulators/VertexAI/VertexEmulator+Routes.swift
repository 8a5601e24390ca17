import Foundation
import PushgateCore
import PushgateHTTPServer

/// Request routing and the `customJobs` calls (docs/provider-apis.md §9.2–§9.6), in the answer shapes the
/// configuration picks.
extension VertexEmulator {
    static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    func handle(_ request: ServerRequest) -> ServerResponse {
        let now = Date()
        if request.path == configuration.tokenPath { return tokenEndpoint.handle(request, now: now) }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // "", "v1", "projects", p, "locations", l, "customJobs"[, id]
        guard parts.count == 7 || parts.count == 8, parts[0].isEmpty, parts[1] == "v1", parts[2] == "projects", parts[4] == "locations",
            parts[6] == "customJobs", !parts[3].isEmpty, !parts[5].isEmpty
        else {
            state.withLock { $0.statistics.invalidRequests += 1 }
            return CloudRunEmulator.error(404, "The requested URL \(request.path) was not found on this server.")
        }
        switch tokens.check(authorization: request.headers["Authorization"], scope: tokenEndpoint.configuration.requiredScope, now: now) {
        case .valid: break
        case .missing, .unknown, .expired:
            state.withLock { $0.statistics.unauthorized += 1 }
            return CloudRunEmulator.error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
            ).with(header: "WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"")
        }
        let location = parts[5]
        guard let project = projectID(parts[3]) else {
            return CloudRunEmulator.error(
                403,
                "Permission denied on resource project \(parts[3]) (or it may not exist).",
                status: "PERMISSION_DENIED"
            )
        }
        switch (request.method, parts.count) {
        case ("POST", 7): return create(project, location, request, now: now)
        case ("GET", 7): return list(project, location, request, now: now)
        case ("GET", 8): return get(project, location, parts[7], now: now)
        case ("POST", 8) where parts[7].hasSuffix(":cancel"): return cancel(project, location, String(parts[7].dropLast(7)), now: now)
        default:
            state.withLock { $0.statistics.invalidRequests += 1 }
            return CloudRunEmulator.error(404, "The requested URL \(request.path) was not found on this server.")
        }
    }

    /// `customJobs.create`: the CustomJob answered in `JOB_STATE_QUEUED` with a server-assigned id.
    func create(_ project: String, _ location: String, _ request: ServerRequest, now: Date) -> ServerResponse {
        guard let body = try? JSONValue.parse(request.body) else {
            state.withLock { $0.statistics.invalidRequests += 1 }
            return CloudRunEmulator.error(400, "Invalid JSON payload received.")
        }
        if let problem = VertexCustomJobCheck.problem(body) {
            state.withLock { $0.statistics.invalidRequests += 1 }
            return CloudRunEmulator.error(400, problem)
        }
        let container = body["jobSpec"]?["workerPoolSpecs"]?.arrayValue?.first?["containerSpec"] ?? .null
        let image = container["imageUri"]?.stringValue ?? ""
        let words = ((container["command"]?.arrayValue ?? []) + (container["args"]?.arrayValue ?? [])).compactMap(\.stringValue)
        // Output-only fields in the request are ignored, as the real API ignores them.
        var kept = body.objectValue ?? [:]
        for key in ["name", "state", "createTime", "startTime", "endTime", "updateTime", "error", "webAccessUris", "satisfiesPzi", "satisfiesPzs"] {
            kept[key] = nil
        }
        let answer = state.withLock { state -> ServerResponse in
            let id = String(state.nextID)
            state.nextID += 1
            let job = VertexEmulatorState.Job(
                id: id,
                project: project,
                location: location,
                body: .object(kept),
                createTime: now,
                outcome: WorkloadOutcome.decide(image: image, command: words),
                missingImage: image.contains("missing")
            )
            state.jobs[id] = job
            state.statistics.jobsCreated += 1
            let labels = body["labels"]
            let attempt = "\(labels?["pushgate-run-id"]?.stringValue ?? "")/\(labels?["pushgate-attempt"]?.stringValue ?? "")"
            state.statistics.createsPerAttempt[attempt, default: 0] += 1
            return .json(200, json(job, state: "JOB_STATE_QUEUED", now: now).serialized())
        }
        // Each connection has its own server thread: only this answer waits.
        if configuration.createAnswerDelay > 0 { usleep(UInt32(configuration.createAnswerDelay * 1_000_000)) }
        return answer
    }

    func get(_ project: String, _ location: String, _ id: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var job = state.jobs[id], job.project == project, job.location == location else {
                return notFound(project, location, id)
            }
            job.reads += 1
            let current = settle(&job, now: now)
            let answer = json(job, state: current, now: now)
            if job.cancelledAt != nil { job.readsSinceCancel += 1 }
            state.jobs[id] = job
            return .json(200, answer.serialized())
        }
    }

    /// `customJobs.list` (docs/provider-apis.md §9.3): the location's jobs matching `filter`, newest first,
    /// at most `pageSize` (capped by `listPageSize`) a page, `nextPageToken` while more remain, `{}` when
    /// none. Listing is not a status read.
    func list(_ project: String, _ location: String, _ request: ServerRequest, now: Date) -> ServerResponse {
        guard let filter = VertexListFilter(request.queryValue("filter") ?? "") else {
            return CloudRunEmulator.error(400, "Unsupported filter: \(request.queryValue("filter") ?? "")")
        }
        let asked = request.queryValue("pageSize").flatMap { Int($0) } ?? 0
        guard asked >= 0 else { return CloudRunEmulator.error(400, "page_size must not be negative.") }
        let size = min(asked == 0 ? configuration.listPageSize : asked, configuration.listPageSize)
        var offset = 0
        if let token = request.queryValue("pageToken"), !token.isEmpty {
            guard token.hasPrefix("cj-"), let start = Int(token.dropFirst(3)), start >= 0 else {
                return CloudRunEmulator.error(400, "Invalid page token: \(token)")
            }
            offset = start
        }
        return state.withLock { state -> ServerResponse in
            state.statistics.lists += 1
            var matching: [JSONValue] = []
            let jobs = state.jobs.values.filter { $0.project == project && $0.location == location }
                .sorted { ($0.createTime, $0.id) > ($1.createTime, $1.id) }
            for var job in jobs {
                let current = settle(&job, now: now)
                state.jobs[job.id] = job
                let labels = (job.body["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
                if filter.matches(labels: labels, state: current, displayName: job.body["displayName"]?.stringValue ?? "") {
                    matching.append(json(job, state: current, now: now))
                }
            }
            let page = matching.dropFirst(offset).prefix(size)
            var object: [String: JSONValue] = [:]
            if !page.isEmpty { object["customJobs"] = .array(Array(page)) }
            if offset + page.count < matching.count { object["nextPageToken"] = .string("cj-\(offset + page.count)") }
            return .json(200, JSONValue.object(object).serialized())
        }
    }

    /// `customJobs.cancel`: `{}`; the job reads `JOB_STATE_CANCELLING` for `cancellingReads` reads, then
    /// `JOB_STATE_CANCELLED`. A job that has ended answers 400 FAILED_PRECONDITION.
    func cancel(_ project: String, _ location: String, _ id: String, now: Date) -> ServerResponse {
        state.withLock { state -> ServerResponse in
            guard var job = state.jobs[id], job.project == project, job.location == location else {
                return notFound(project, location, id)
            }
            let current = settle(&job, now: now)
            if let ended = job.ended {
                state.jobs[id] = job
                return CloudRunEmulator.error(
                    400,
                    "Cannot cancel CustomJob \"\(name(job))\" in state \(ended.state).",
                    status: "FAILED_PRECONDITION"
                )
            }
            if current != "JOB_STATE_CANCELLING" {
                job.cancelledAt = now
                state.statistics.cancels += 1
            }
            state.jobs[id] = job
            return .json(200, "{}")
        }
    }

    func notFound(_ project: String, _ location: String, _ id: String) -> ServerResponse {
        CloudRunEmulator.error(404, "The CustomJob \"projects/\(project)/locations/\(location)/customJobs/\(id)\" does not exist.")
    }

    /// Moves `job` on by the pacing (or its cancel) and answers its state; an ended job keeps its end.
    func settle(_ job: inout VertexEmulatorState.Job, now: Date) -> String {
        if let ended = job.ended { return ended.state }
        if job.cancelledAt != nil {
            guard job.readsSinceCancel >= configuration.cancellingReads else { return "JOB_STATE_CANCELLING" }
            job.ended = ("JOB_STATE_CANCELLED", now)
            return "JOB_STATE_CANCELLED"
        }
        let phase = configuration.pacing.phase(reads: job.reads, elapsed: now.timeIntervalSince(job.createTime))
        if phase == .pending { return queued(job, now: now) ? "JOB_STATE_QUEUED" : "JOB_STATE_PENDING" }
        // A job whose image cannot be pulled, or that gets no capacity, never runs.
        if job.missingImage || job.outcome == .crash {
            job.ended = ("JOB_STATE_FAILED", now)
            return "JOB_STATE_FAILED"
        }
        if job.startTime == nil { job.startTime = now }
        guard phase == .finished else { return "JOB_STATE_RUNNING" }
        let end = job.outcome == .exit(0) ? "JOB_STATE_SUCCEEDED" : "JOB_STATE_FAILED"
        job.ended = (end, now)
        return end
    }

    /// The first half of the pending phase is QUEUED, the rest PENDING.
    func queued(_ job: VertexEmulatorState.Job, now: Date) -> Bool {
        switch configuration.pacing {
        case .perPoll(let pending, _): return job.reads <= pending / 2
        case .timed(let pending, _): return now.timeIntervalSince(job.createTime) < pending / 2
        }
    }

    /// The CustomJob as the API answers it, in `state`.
    func json(_ job: VertexEmulatorState.Job, state: String, now: Date) -> JSONValue {
        var object = job.body.objectValue ?? [:]
        object["name"] = .string(name(job))
        object["state"] = .string(state)
        object["createTime"] = .string(job.createTime.formatted(Self.timeStyle))
        object["updateTime"] = .string((job.ended?.at ?? job.cancelledAt ?? job.startTime ?? job.createTime).formatted(Self.timeStyle))
        if let start = job.startTime { object["startTime"] = .string(start.formatted(Self.timeStyle)) }
        if let ended = job.ended { object["endTime"] = .string(ended.at.formatted(Self.timeStyle)) }
        switch state {
        case "JOB_STATE_CANCELLED": object["error"] = ["code": 1, "message": "CANCELED"]
        case "JOB_STATE_FAILED":
            let image = job.body["jobSpec"]?["workerPoolSpecs"]?.arrayValue?.first?["containerSpec"]?["imageUri"]?.stringValue ?? ""
            if job.missingImage {
                object["error"] = ["code": 3, "message": .string("Unable to pull the container image \(image): image not found.")]
            } else if job.outcome == .crash {
                object["error"] = [
                    "code": 8,
                    "message": "The following quota metrics exceed quota limits: aiplatform.googleapis.com/custom_model_training_cpus",
                ]
            } else if case .exit(let code) = job.outcome {
                object["error"] = [
                    "code": 3,
                    "message": .string(
                        "The replica workerpool0-0 exited with a non-zero status of \(code). To find out more about why your job exited please check the logs: https://console.cloud.google.com/logs/viewer?project=\(job.project)&resource=ml_job%2Fjob_id%2F\(job.id)"
                    ),
                ]
            }
        default: break
        }
        return .object(object)
    }
}
