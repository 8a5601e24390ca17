import Foundation
import PushgateCore

/// ``PrefectAPI`` over the gateway's `HTTPClient` (libcurl, TLS verified). Auth as Prefect's client reads
/// it: `PREFECT_API_KEY` as a bearer token, or `PREFECT_API_AUTH_STRING` (`user:password`) as basic auth
/// (prefect/client/orchestration/__init__.py). The secret goes only into the header, never into a message.
package struct PrefectHTTPAPI: PrefectAPI {
    package enum Auth: Sendable {
        case none
        case bearer(String)
        case basic(String)
    }

    /// The API base, without a trailing slash (`http://127.0.0.1:4200/api`).
    package let baseURL: String
    package let auth: Auth
    package let http: any HTTPClient
    package var timeout: TimeInterval = 30

    package init(baseURL: String, auth: Auth, http: any HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.auth = auth
        self.http = http
    }

    /// The auth from the environment variables Prefect users already set.
    package static func auth(environment: [String: String]) -> Auth {
        if let key = environment["PREFECT_API_KEY"], !key.isEmpty { return .bearer(key) }
        if let basic = environment["PREFECT_API_AUTH_STRING"], !basic.isEmpty { return .basic(basic) }
        return .none
    }

    func call(_ method: String, _ path: String, body: JSONValue? = nil, accept: Set<Int> = [200, 201, 204]) async throws -> (Int, JSONValue) {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        switch auth {
        case .none: break
        case .bearer(let key): headers.add("Authorization", "Bearer \(key)")
        case .basic(let text): headers.add("Authorization", "Basic \(Data(text.utf8).base64EncodedString())")
        }
        var data = Data()
        if let body {
            data = Data(body.serialized().utf8)
            headers.add("Content-Type", "application/json")
        }
        let request = HTTPRequest(method: method, url: baseURL + path, headers: headers, body: data, timeout: timeout, isIdempotent: method == "GET")
        let response = try await http.execute(request)
        guard accept.contains(response.status) else {
            let detail = String(decoding: response.body.prefix(300), as: UTF8.self)
            throw PrefectError(.status, "Prefect API \(method) \(path): HTTP \(response.status) \(detail)")
        }
        if response.body.isEmpty { return (response.status, .null) }
        do {
            return (response.status, try JSONValue.parse(response.body))
        } catch {
            throw PrefectError(.malformed, "Prefect API \(method) \(path): \(error)")
        }
    }

    static func path(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }

    package func serverVersion() async throws -> String {
        let (_, value) = try await call("GET", "/admin/version")
        guard let text = value.stringValue else { throw PrefectError(.malformed, "Prefect API GET /admin/version: not a string") }
        return text
    }

    package func workPool(named name: String) async throws -> PrefectWorkPool {
        let (_, value) = try await call("GET", "/work_pools/\(PrefectHTTPAPI.path(name))")
        return PrefectWorkPool(
            name: value["name"]?.stringValue ?? name,
            type: value["type"]?.stringValue ?? "",
            baseJobTemplate: value["base_job_template"] ?? .object([:]),
            isPaused: value["is_paused"]?.boolValue ?? false
        )
    }

    package func heartbeat(pool: String, worker: String, intervalSeconds: Int) async throws {
        let body: JSONValue = .object(["name": .string(worker), "heartbeat_interval_seconds": .int(Int64(intervalSeconds))])
        _ = try await call("POST", "/work_pools/\(PrefectHTTPAPI.path(pool))/workers/heartbeat", body: body)
    }

    package func scheduledFlowRuns(pool: String) async throws -> [PrefectFlowRun] {
        let before = ISO8601DateFormatter().string(from: Date().addingTimeInterval(10))
        let (_, value) = try await call(
            "POST",
            "/work_pools/\(PrefectHTTPAPI.path(pool))/get_scheduled_flow_runs",
            body: .object(["scheduled_before": .string(before)])
        )
        return (value.arrayValue ?? []).compactMap { $0["flow_run"].flatMap(PrefectHTTPAPI.flowRun) }
    }

    /// Every matching run, in pages of the server's default limit (200, `PREFECT_API_DEFAULT_LIMIT`) by
    /// expected start time. A run that leaves the listing between two pages can shift one past a page
    /// boundary; it is seen on the next pass.
    package func flowRuns(pool: String, stateTypes: [String]) async throws -> [PrefectFlowRun] {
        let page = 200
        var runs: [PrefectFlowRun] = []
        var seen: Set<String> = []
        var offset = 0
        while true {
            let body: JSONValue = .object([
                "work_pools": .object(["name": .object(["any_": .array([.string(pool)])])]),
                "flow_runs": .object(["state": .object(["type": .object(["any_": .array(stateTypes.map(JSONValue.string))])])]),
                "sort": "EXPECTED_START_TIME_ASC", "limit": .int(Int64(page)), "offset": .int(Int64(offset)),
            ])
            let (_, value) = try await call("POST", "/flow_runs/filter", body: body)
            let batch = value.arrayValue ?? []
            offset += batch.count
            for run in batch.compactMap(PrefectHTTPAPI.flowRun) where seen.insert(run.id).inserted { runs.append(run) }
            if batch.count < page { return runs }
        }
    }

    package func deploymentJobVariables(id: String) async throws -> JSONValue?? {
        let (status, value) = try await call("GET", "/deployments/\(PrefectHTTPAPI.path(id))", accept: [200, 404])
        if status == 404 { return .none }
        return .some(value["job_variables"].flatMap { $0.isNull ? nil : $0 })
    }

    package func setState(runID: String, type: String, name: String, message: String, force: Bool) async throws -> PrefectOrchestrationResult {
        let body: JSONValue = .object([
            "state": .object(["type": .string(type), "name": .string(name), "message": .string(message)]),
            "force": .bool(force),
        ])
        let (_, value) = try await call("POST", "/flow_runs/\(PrefectHTTPAPI.path(runID))/set_state", body: body)
        return PrefectOrchestrationResult(status: value["status"]?.stringValue ?? "", stateType: value["state"]?["type"]?.stringValue)
    }

    package func setInfrastructurePID(runID: String, pid: String) async throws {
        _ = try await call("PATCH", "/flow_runs/\(PrefectHTTPAPI.path(runID))", body: .object(["infrastructure_pid": .string(pid)]))
    }

    static func flowRun(_ value: JSONValue) -> PrefectFlowRun? {
        guard let id = value["id"]?.stringValue else { return nil }
        return PrefectFlowRun(
            id: id,
            name: value["name"]?.stringValue ?? id,
            deploymentID: value["deployment_id"]?.stringValue,
            jobVariables: value["job_variables"],
            stateType: value["state"]?["type"]?.stringValue ?? value["state_type"]?.stringValue ?? "",
            stateMessage: value["state"]?["message"]?.stringValue,
            infrastructurePID: value["infrastructure_pid"]?.stringValue
        )
    }
}
