import Foundation
import PushgateCore
import PushgateHTTPServer

/// Routing and the API calls (docs/provider-apis.md §10.6).
extension KubernetesEmulator {
    func handle(_ request: ServerRequest) -> ServerResponse {
        let now = Date()
        guard authenticate(request) else { return Self.status(401, reason: "Unauthorized", "Unauthorized") }
        let parts = request.path.split(separator: "/").map(String.init)
        let throttle = state.withLock { state -> Int? in
            guard state.throttled > 0 else { return nil }
            state.throttled -= 1
            return state.retryAfter
        }
        if let throttle {
            return Self.status(429, reason: "TooManyRequests", "Too many requests, please try again later.")
                .with(header: "Retry-After", String(throttle))
        }
        state.withLock { $0.collect(now: now, grace: configuration.foregroundDeletion) }
        // /apis/batch/v1/namespaces/{ns}/jobs[/{name}]
        if parts.count == 6 || parts.count == 7, parts[0] == "apis", parts[1] == "batch", parts[2] == "v1", parts[3] == "namespaces",
            parts[5] == "jobs"
        {
            return jobs(request, namespace: parts[4], name: parts.count == 7 ? parts[6] : nil, now: now)
        }
        // /api/v1/namespaces/{ns}/pods[/{name}/log]
        if parts.count >= 5, parts[0] == "api", parts[1] == "v1", parts[2] == "namespaces", parts[4] == "pods" {
            if parts.count == 5, request.method == "GET" { return listPods(request, namespace: parts[3], now: now) }
            if parts.count == 7, parts[6] == "log", request.method == "GET" { return podLog(namespace: parts[3], pod: parts[5], now: now) }
        }
        return Self.status(404, reason: "NotFound", "the server could not find the requested resource")
    }

    /// A client certificate the front verified (its name listed, the front's secret present), else a bearer
    /// token accepted now. Counts the call under its user, or as a 401.
    private func authenticate(_ request: ServerRequest) -> Bool {
        var user: String?
        if let secret = configuration.frontProxySecret, request.headers["X-Pushgate-Front-Secret"] == secret,
            let name = request.headers["X-Remote-User"], configuration.certificateUsers.contains(name)
        {
            user = "cert:" + name
        }
        return state.withLock { state in
            if user == nil, let header = request.headers["Authorization"], header.hasPrefix("Bearer ") {
                let token = String(header.dropFirst("Bearer ".count))
                if state.tokens.contains(token) { user = "token:" + String(token.suffix(4)) }
            }
            guard let user else {
                state.unauthorized += 1
                return false
            }
            state.users[user, default: 0] += 1
            return true
        }
    }

    private func count(_ operation: String) { state.withLock { $0.calls[operation, default: 0] += 1 } }

    private func jobs(_ request: ServerRequest, namespace: String, name: String?, now: Date) -> ServerResponse {
        switch (request.method, name) {
        case ("POST", nil):
            count("jobs.create")
            return create(request, namespace: namespace, now: now)
        case ("GET", nil):
            count("jobs.list")
            let selector = request.queryValue("labelSelector").map(LabelSelector.init)
            let items = state.withLock { state in
                state.jobs.filter { $0.key.hasPrefix(namespace + "/") }.values
                    .filter { selector?.matches($0.body.member(at: "metadata", "labels")) ?? true }
                    .map { render($0, now: now) }
            }
            return .json(200, JSONValue.object(["kind": "JobList", "apiVersion": "batch/v1", "metadata": [:], "items": .array(items)]).serialized())
        case ("GET", let name?):
            count("jobs.get")
            guard let job = state.withLock({ $0.jobs["\(namespace)/\(name)"] }) else {
                return Self.status(404, reason: "NotFound", "jobs.batch \"\(name)\" not found", kind: "jobs", name: name)
            }
            return .json(200, render(job, now: now).serialized())
        case ("DELETE", let name?):
            count("jobs.delete")
            let policy =
                (try? JSONValue.parse(request.body))?["propagationPolicy"]?.stringValue ?? request.queryValue("propagationPolicy") ?? "Background"
            let job = state.withLock { state -> KubernetesEmulatorState.Job? in
                let key = "\(namespace)/\(name)"
                guard var job = state.jobs[key] else { return nil }
                if policy == "Foreground" {
                    if job.deletion == nil { job.deletion = now }
                    state.jobs[key] = job
                } else {
                    state.jobs[key] = nil
                }
                return job
            }
            guard let job else { return Self.status(404, reason: "NotFound", "jobs.batch \"\(name)\" not found", kind: "jobs", name: name) }
            return .json(200, render(job, now: now).serialized())
        default:
            return Self.status(405, reason: "MethodNotAllowed", "the server does not allow this method on the requested resource")
        }
    }

    private func create(_ request: ServerRequest, namespace: String, now: Date) -> ServerResponse {
        guard let body = try? JSONValue.parse(request.body), body.objectValue != nil else {
            return Self.status(400, reason: "BadRequest", "the body of the request was in an unknown format")
        }
        if let problem = KubernetesJobCheck.problem(body, namespace: namespace) {
            return Self.status(422, reason: "Invalid", "Job.batch is invalid: \(problem)")
        }
        let name = body.member(at: "metadata", "name")?.stringValue ?? ""
        let uid = UUID().uuidString.lowercased()
        let created = state.withLock { state -> Bool in
            let key = "\(namespace)/\(name)"
            if state.jobs[key] != nil { return false }
            state.jobs[key] = KubernetesEmulatorState.Job(body: body, created: now, uid: uid)
            state.created += 1
            state.createsByName[key, default: 0] += 1
            return true
        }
        guard created else {
            return Self.status(409, reason: "AlreadyExists", "jobs.batch \"\(name)\" already exists", kind: "jobs", name: name)
        }
        let job = state.withLock { $0.jobs["\(namespace)/\(name)"]! }
        return .json(201, render(job, now: now).serialized())
    }

    private func listPods(_ request: ServerRequest, namespace: String, now: Date) -> ServerResponse {
        count("pods.list")
        let selector = request.queryValue("labelSelector").map(LabelSelector.init)
        let items = state.withLock { state in
            state.jobs.filter { $0.key.hasPrefix(namespace + "/") }.values.compactMap { pod(of: $0, now: now) }
                .filter { selector?.matches($0.member(at: "metadata", "labels")) ?? true }
        }
        return .json(200, JSONValue.object(["kind": "PodList", "apiVersion": "v1", "metadata": [:], "items": .array(items)]).serialized())
    }

    private func podLog(namespace: String, pod name: String, now: Date) -> ServerResponse {
        count("pods.log")
        let found = state.withLock { state in
            state.jobs.filter { $0.key.hasPrefix(namespace + "/") }.values.first { podName(of: $0) == name && pod(of: $0, now: now) != nil }
        }
        guard let job = found else { return Self.status(404, reason: "NotFound", "pods \"\(name)\" not found") }
        let phase = timeline(job, now: now)
        guard phase.started else {
            return Self.status(
                400,
                reason: "BadRequest",
                "container \"\(containerName(job))\" in pod \"\(name)\" is waiting to start: ContainerCreating"
            )
        }
        let jobName = job.body.member(at: "metadata", "name")?.stringValue ?? ""
        return .text(200, "starting \(jobName)\nhello from \(jobName)\n" + (phase.ended ? "done \(jobName)\n" : ""))
    }
}
