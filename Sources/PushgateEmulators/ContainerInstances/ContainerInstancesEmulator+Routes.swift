import Foundation
import PushgateCore
import PushgateHTTPServer

/// Request routing and the ARM calls (docs/provider-apis.md §4.1–§4.4).
extension ContainerInstancesEmulator {
    struct Route {
        var operation: String
        var subscription: String
        var resourceGroup: String
        var name: String?
        var container: String?
    }

    func handle(_ request: ServerRequest) -> ServerResponse {
        let now = Date()
        if request.path == "/_emulator/stats" { return .json(200, statistics.json.serialized()) }
        if let tenant = EntraTokenEndpoint.tenant(inPath: request.path) {
            return tokenEndpoint.handle(request, tenant: tenant, now: now)
        }
        guard let route = Self.route(request) else {
            state.withLock { $0.statistics.invalidRequests += 1 }
            return Self.error(404, "InvalidResourceType", "The resource path \(request.path) is not supported.")
        }
        state.withLock { $0.statistics.calls[route.operation, default: 0] += 1 }
        switch tokens.check(authorization: request.headers["Authorization"], scope: EntraTokenEndpoint.managementScope, now: now) {
        case .valid: break
        case .missing:
            state.withLock { $0.statistics.unauthorized += 1 }
            return Self.error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
                .with(header: "WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\"")
        case .unknown, .expired:
            state.withLock { $0.statistics.unauthorized += 1 }
            return Self.error(401, "InvalidAuthenticationToken", "The access token is invalid or has expired.")
                .with(header: "WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\"")
        }
        guard let apiVersion = request.queryValue("api-version"), !apiVersion.isEmpty else {
            return invalid(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
        }
        if route.operation != "resourceGroups.get", !configuration.apiVersions.contains(apiVersion) {
            return invalid(
                400,
                "NoRegisteredProviderFound",
                "No registered resource provider found for API version '\(apiVersion)' and type 'containerGroups'. The supported api-versions are '\(configuration.apiVersions.sorted().joined(separator: ", "))'."
            )
        }
        guard let groups = configuration.resourceGroups[route.subscription] else {
            return Self.error(404, "SubscriptionNotFound", "The subscription could not be found.")
        }
        guard let location = groups.first(where: { $0.key.lowercased() == route.resourceGroup.lowercased() })?.value else {
            return Self.error(404, "ResourceGroupNotFound", "Resource group '\(route.resourceGroup)' could not be found.")
        }
        let fault = faults.fault(for: route.operation)
        return FaultInjector.respond(fault, errorBody: { Self.errorBody(Self.injectedCode($0), "injected fault") }) {
            process(route, request, location: location, now: now)
        }
    }

    private func invalid(_ status: Int, _ code: String, _ message: String) -> ServerResponse {
        state.withLock { $0.statistics.invalidRequests += 1 }
        return Self.error(status, code, message)
    }

    /// `/subscriptions/{s}/resourcegroups/{rg}[/providers/Microsoft.ContainerInstance/containerGroups/{name}[/stop]]`,
    /// segment names compared case-insensitively as ARM does.
    static func route(_ request: ServerRequest) -> Route? {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0].lowercased() == "subscriptions", parts[2].lowercased() == "resourcegroups" else {
            return nil
        }
        var route = Route(operation: "", subscription: parts[1], resourceGroup: parts[3])
        if parts.count == 4, request.method == "GET" {
            route.operation = "resourceGroups.get"
            return route
        }
        guard parts.count >= 7, parts[4].lowercased() == "providers", parts[5].lowercased() == "microsoft.containerinstance",
            parts[6].lowercased() == "containergroups"
        else { return nil }
        if parts.count == 7 {
            guard request.method == "GET" else { return nil }
            route.operation = "containerGroups.list"
            return route
        }
        route.name = parts[7]
        switch (request.method, parts.count) {
        case ("GET", 8): route.operation = "containerGroups.get"
        case ("PUT", 8): route.operation = "containerGroups.put"
        case ("DELETE", 8): route.operation = "containerGroups.delete"
        case ("POST", 9) where parts[8].lowercased() == "stop": route.operation = "containerGroups.stop"
        case ("GET", 11) where parts[8].lowercased() == "containers" && parts[10].lowercased() == "logs":
            route.operation = "containers.listLogs"
            route.container = parts[9].removingPercentEncoding ?? parts[9]
        default: return nil
        }
        return route
    }

    func process(_ route: Route, _ request: ServerRequest, location: String, now: Date) -> ServerResponse {
        let name = route.name ?? ""
        let resourceID =
            "/subscriptions/\(route.subscription)/resourceGroups/\(route.resourceGroup)/providers/Microsoft.ContainerInstance/containerGroups/\(name)"
        let key = resourceID.lowercased()
        let resourceGroupNotFound = Self.error(
            404,
            "ResourceGroupNotFound",
            "Resource group '\(route.resourceGroup)' could not be found."
        )
        let notFound = Self.error(
            404,
            "ResourceNotFound",
            "The Resource 'Microsoft.ContainerInstance/containerGroups/\(name)' under resource group '\(route.resourceGroup)' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        )
        switch route.operation {
        case "resourceGroups.get":
            let stale = state.withLock { state -> Bool in
                guard state.resourceGroupNotFoundGiven < configuration.resourceGroupNotFoundReads else { return false }
                state.resourceGroupNotFoundGiven += 1
                state.statistics.notFoundAnswers += 1
                return true
            }
            if stale { return resourceGroupNotFound }
            let body: JSONValue = [
                "id": .string("/subscriptions/\(route.subscription)/resourceGroups/\(route.resourceGroup)"),
                "name": .string(route.resourceGroup), "type": "Microsoft.Resources/resourceGroups", "location": .string(location),
                "properties": ["provisioningState": "Succeeded"],
            ]
            return .json(200, body.serialized())
        case "containerGroups.get":
            return state.withLock { state -> ServerResponse in
                guard var group = state.groups[key] else { return notFound }
                if let scope = answersNotFound(&group, now: now) {
                    state.groups[key] = group
                    state.statistics.notFoundAnswers += 1
                    return scope == .group ? notFound : resourceGroupNotFound
                }
                state.groups[key] = group
                state.observe(key, pacing: configuration.pacing, now: now)
                return .json(200, state.json(state.groups[key]!).serialized())
            }
        case "containerGroups.list":
            // ARM lists without instance views (§4.1), so listing moves no group on.
            return state.withLock { state -> ServerResponse in
                if isBeingReread(route.resourceGroup, in: state, now: now) {
                    state.statistics.notFoundAnswers += 1
                    return resourceGroupNotFound
                }
                let prefix =
                    "/subscriptions/\(route.subscription)/resourcegroups/\(route.resourceGroup)/providers/microsoft.containerinstance/containergroups/"
                    .lowercased()
                let listed = state.groups.keys.sorted().filter { $0.hasPrefix(prefix) }.map { state.json(state.groups[$0]!, listed: true) }
                return .json(200, JSONValue.object(["value": .array(listed)]).serialized())
            }
        case "containerGroups.put":
            return put(request, key: key, resourceID: resourceID, route: route, now: now)
        case "containers.listLogs":
            // The emulated container's output: what it runs, and how it ended once it has (§4.3).
            return state.withLock { state -> ServerResponse in
                guard let group = state.groups[key] else { return notFound }
                let containers = group.body.member(at: "properties")?["containers"]?.arrayValue ?? []
                guard let container = containers.first(where: { $0["name"]?.stringValue == route.container }) else {
                    return Self.error(
                        404,
                        "ContainerNotFound",
                        "The container '\(route.container ?? "")' in container group '\(name)' was not found."
                    )
                }
                var lines: [String] = []
                if group.startTime != nil {
                    let command = (container.member(at: "properties", "command")?.arrayValue ?? []).compactMap(\.stringValue)
                    lines.append("emulated container \(route.container ?? "") running: \(command.joined(separator: " "))")
                }
                if group.finishTime != nil, case .exit(let code) = group.outcome { lines.append("exited with code \(code)") }
                var content = lines.joined(separator: "\n")
                if !lines.isEmpty { content += "\n" }
                if let tail = request.queryValue("tail").flatMap(Int.init), tail >= 0 {
                    content = lines.suffix(tail).map { $0 + "\n" }.joined()
                }
                return .json(200, JSONValue.object(["content": .string(content)]).serialized())
            }
        case "containerGroups.stop":
            return state.withLock { state -> ServerResponse in
                guard var group = state.groups[key] else { return notFound }
                if group.stoppedAt == nil && group.finishTime == nil { group.stoppedAt = now }
                state.groups[key] = group
                state.statistics.stops += 1
                return ServerResponse(status: 204)
            }
        case "containerGroups.delete":
            return state.withLock { state -> ServerResponse in
                guard let group = state.groups[key] else { return ServerResponse(status: 204) }
                if state.isLive(group, pacing: configuration.pacing, now: now) { state.statistics.deletesWhileRunning += 1 }
                state.groups[key] = nil
                state.live.remove(key)
                state.statistics.deletes += 1
                return .json(200, state.json(group).serialized())
            }
        default:
            return notFound
        }
    }

    private func put(_ request: ServerRequest, key: String, resourceID: String, route: Route, now: Date) -> ServerResponse {
        let name = route.name ?? ""
        guard ContainerGroupBodyCheck.isValidName(name) else {
            return invalid(
                400,
                "InvalidContainerGroupName",
                "The container group name '\(name)' is invalid: use 1-63 lowercase letters, digits or '-', not starting or ending with '-'."
            )
        }
        guard request.headers["Content-Type"]?.hasPrefix("application/json") == true, let body = try? JSONValue.parse(request.body) else {
            return invalid(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
        }
        if let problem = ContainerGroupBodyCheck.problem(in: body) { return invalid(400, problem.code, problem.message) }
        let container = body.member(at: "properties")?["containers"]?.arrayValue?.first ?? .null
        let image = container.member(at: "properties", "image")?.stringValue ?? ""
        let command = (container.member(at: "properties", "command")?.arrayValue ?? []).compactMap(\.stringValue)
        return state.withLock { state -> ServerResponse in
            let record = ContainerInstancesEmulatorState.Group(
                resourceID: resourceID,
                name: name,
                resourceGroup: route.resourceGroup,
                body: body,
                location: body["location"]?.stringValue ?? "",
                createTime: now,
                outcome: WorkloadOutcome.decide(image: image, command: command)
            )
            let existed = state.groups[key] != nil
            // A PUT on an existing group is an update that restarts its containers (§1.3).
            state.groups[key] = record
            if existed { state.statistics.groupsUpdated += 1 } else { state.statistics.groupsCreated += 1 }
            state.noteCreated(key, pacing: configuration.pacing, now: now)
            let operation =
                "\(baseURL)/subscriptions/\(route.subscription)/providers/Microsoft.ContainerInstance/locations/\(record.location)/operations/\(UUID().uuidString.lowercased())?api-version=2023-05-01"
            return .json(existed ? 200 : 201, state.json(record, created: true).serialized(), headers: ["Azure-AsyncOperation": operation])
        }
    }
}
