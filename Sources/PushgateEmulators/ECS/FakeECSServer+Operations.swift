import Foundation
import PushgateCore
import PushgateHTTPServer

extension FakeECSServer {
    /// Runs one ECS operation against the state (docs/provider-apis.md §2.2–§2.7).
    func perform(_ operation: String, _ body: JSONValue) -> ServerResponse {
        let now = configuration.now()
        return state.withLock { state -> ServerResponse in
            switch operation {
            case "CreateCluster": return createCluster(body, &state)
            case "RegisterTaskDefinition": return registerTaskDefinition(body, &state)
            case "DescribeTaskDefinition": return describeTaskDefinition(body, state)
            case "ListTaskDefinitions": return listTaskDefinitions(body, state)
            case "DeregisterTaskDefinition": return deregisterTaskDefinition(body, &state)
            case "RunTask": return runTask(body, now: now, &state)
            case "DescribeTasks": return describeTasks(body, now: now, &state)
            case "ListTasks": return listTasks(body, now: now, &state)
            case "StopTask": return stopTask(body, now: now, &state)
            default: return FakeECSServer.error(400, "UnknownOperationException", "\(operation) is not emulated")
            }
        }
    }

    static func ok(_ value: JSONValue) -> ServerResponse {
        .json(200, value.serialized(), headers: ["Content-Type": "application/x-amz-json-1.1"])
    }

    var arnPrefix: String { "arn:aws:ecs:\(configuration.region):\(configuration.accountID)" }

    func clusterName(_ body: JSONValue) -> String {
        let given = body["cluster"]?.stringValue ?? "default"
        return given.split(separator: "/").last.map(String.init) ?? given
    }

    // MARK: Clusters and task definitions

    func createCluster(_ body: JSONValue, _ state: inout FakeECSState) -> ServerResponse {
        let name = body["clusterName"]?.stringValue ?? "default"
        state.clusters.insert(name)
        return FakeECSServer.ok([
            "cluster": ["clusterName": .string(name), "clusterArn": .string("\(arnPrefix):cluster/\(name)"), "status": "ACTIVE"]
        ])
    }

    func registerTaskDefinition(_ body: JSONValue, _ state: inout FakeECSState) -> ServerResponse {
        guard var members = body.objectValue, let family = members["family"]?.stringValue, !family.isEmpty else {
            return FakeECSServer.error(400, "ClientException", "Family is required.")
        }
        let containers = members["containerDefinitions"]?.arrayValue ?? []
        guard !containers.isEmpty else { return FakeECSServer.error(400, "ClientException", "Container list cannot be empty.") }
        for container in containers where (container["image"]?.stringValue ?? "").isEmpty || (container["name"]?.stringValue ?? "").isEmpty {
            return FakeECSServer.error(400, "ClientException", "Container.image and Container.name should not be null or empty.")
        }
        let tags = members["tags"]?.arrayValue ?? []
        members["tags"] = nil
        let revision = (state.definitions[family]?.last?.revision ?? 0) + 1
        let arn = "\(arnPrefix):task-definition/\(family):\(revision)"
        state.definitions[family, default: []].append(
            FakeECSState.Definition(family: family, revision: revision, arn: arn, body: members, tags: tags, status: "ACTIVE")
        )
        state.statistics.taskDefinitionsRegistered += 1
        return FakeECSServer.ok(["taskDefinition": render(state.definition(arn)!), "tags": .array(tags)])
    }

    func render(_ definition: FakeECSState.Definition) -> JSONValue {
        var members = definition.body
        members["taskDefinitionArn"] = .string(definition.arn)
        members["revision"] = .int(Int64(definition.revision))
        members["status"] = .string(definition.status)
        return .object(members)
    }

    func describeTaskDefinition(_ body: JSONValue, _ state: FakeECSState) -> ServerResponse {
        guard let reference = body["taskDefinition"]?.stringValue, let definition = state.definition(reference) else {
            return FakeECSServer.error(400, "ClientException", "Unable to describe task definition.")
        }
        var answer: [String: JSONValue] = ["taskDefinition": render(definition)]
        if body["include"]?.arrayValue?.contains("TAGS") == true { answer["tags"] = .array(definition.tags) }
        return FakeECSServer.ok(.object(answer))
    }

    func listTaskDefinitions(_ body: JSONValue, _ state: FakeECSState) -> ServerResponse {
        let prefix = body["familyPrefix"]?.stringValue ?? ""
        let status = body["status"]?.stringValue ?? "ACTIVE"
        var found = state.definitions.keys.sorted().filter { $0.hasPrefix(prefix) }.flatMap { state.definitions[$0]! }
            .filter { $0.status == status }.map(\.arn)
        if body["sort"]?.stringValue == "DESC" { found.reverse() }
        if let limit = body["maxResults"]?.intValue { found = Array(found.prefix(Int(limit))) }
        return FakeECSServer.ok(["taskDefinitionArns": .array(found.map(JSONValue.string))])
    }

    func deregisterTaskDefinition(_ body: JSONValue, _ state: inout FakeECSState) -> ServerResponse {
        guard let reference = body["taskDefinition"]?.stringValue, reference.contains(":"),
            let definition = state.definition(reference),
            let index = state.definitions[definition.family]?.firstIndex(where: { $0.revision == definition.revision })
        else {
            return FakeECSServer.error(400, "ClientException", "The specified task definition does not exist.")
        }
        if state.definitions[definition.family]![index].status == "ACTIVE" {
            state.definitions[definition.family]![index].status = "INACTIVE"
            state.statistics.taskDefinitionsDeregistered += 1
        }
        return FakeECSServer.ok(["taskDefinition": render(state.definitions[definition.family]![index])])
    }

    // MARK: Tasks

    func runTask(_ body: JSONValue, now: Date, _ state: inout FakeECSState) -> ServerResponse {
        let cluster = clusterName(body)
        guard state.clusters.contains(cluster) else { return FakeECSServer.error(400, "ClusterNotFoundException", "Cluster not found.") }
        guard let reference = body["taskDefinition"]?.stringValue, let definition = state.definition(reference),
            definition.status == "ACTIVE" || reference.contains(":")
        else {
            return FakeECSServer.error(400, "ClientException", "TaskDefinition not found.")
        }
        if (body["count"]?.intValue ?? 1) != 1 {
            return FakeECSServer.error(400, "InvalidParameterException", "the emulator starts one task per RunTask")
        }
        if body["launchType"] != nil && body["capacityProviderStrategy"] != nil {
            return FakeECSServer.error(
                400,
                "InvalidParameterException",
                "Specifying both a launch type and capacity provider strategy is not supported."
            )
        }
        if definition.body["networkMode"]?.stringValue == "awsvpc" && body["networkConfiguration"] == nil {
            return FakeECSServer.error(
                400,
                "InvalidParameterException",
                "Network Configuration must be provided when networkMode 'awsvpc' is specified."
            )
        }
        let token = body["clientToken"]?.stringValue
        // Only a token that already started a workload can match (checked first: the scan is O(tasks)).
        if let token, state.statistics.workloadsByClientToken[token] != nil,
            let existing = state.taskOrder.compactMap({ state.tasks[$0] }).first(where: { $0.clientToken == token })
        {
            guard existing.request == body else {
                return FakeECSServer.error(
                    400,
                    "ConflictException",
                    "The specified client token has already been used with different parameters.",
                    extra: ["resourceIds": [.string(existing.arn)]]
                )
            }
            state.statistics.runTaskReplays += 1
            return FakeECSServer.ok(["tasks": [renderTask(existing, now: now)], "failures": []])
        }

        let containers = definition.body["containerDefinitions"]?.arrayValue ?? []
        let overrides = body["overrides"]?["containerOverrides"]?.arrayValue ?? []
        let main = containers.first { container in overrides.first?["name"] == container["name"] } ?? containers.first
        let name = main?["name"]?.stringValue ?? "main"
        let command =
            (overrides.first { $0["name"]?.stringValue == name }?["command"] ?? main?["command"])?.arrayValue?
            .compactMap(\.stringValue) ?? []
        let image = main?["image"]?.stringValue ?? ""
        let id = state.newTaskID()
        let task = FakeECSState.TaskRecord(
            id: id,
            arn: "\(arnPrefix):task/\(cluster)/\(id)",
            cluster: cluster,
            clusterARN: "\(arnPrefix):cluster/\(cluster)",
            definitionARN: definition.arn,
            startedBy: body["startedBy"]?.stringValue,
            clientToken: token,
            request: body,
            overrides: body["overrides"] ?? .object([:]),
            tags: body["tags"]?.arrayValue ?? [],
            containerName: name,
            image: image,
            createdAt: now,
            outcome: configuration.outcome(image, command)
        )
        state.tasks[task.arn] = task
        state.taskOrder.append(task.arn)
        noteStarted(task.arn, now: now, &state)
        state.statistics.runTaskWorkloads += 1
        if let token { state.statistics.workloadsByClientToken[token, default: 0] += 1 }
        var tags: [String: String] = [:]
        for tag in task.tags { if let key = tag["key"]?.stringValue, let value = tag["value"]?.stringValue { tags[key] = value } }
        state.statistics.startedTasks.append(.init(at: now, clientToken: token, tags: tags))
        return FakeECSServer.ok(["tasks": [renderTask(task, now: now)], "failures": []])
    }

    func describeTasks(_ body: JSONValue, now: Date, _ state: inout FakeECSState) -> ServerResponse {
        let references = (body["tasks"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard references.count <= 100 else {
            return FakeECSServer.error(400, "InvalidParameterException", "Tasks cannot be longer than 100 elements.")
        }
        let cluster = clusterName(body)
        guard state.clusters.contains(cluster) else { return FakeECSServer.error(400, "ClusterNotFoundException", "Cluster not found.") }
        let includeTags = body["include"]?.arrayValue?.contains("TAGS") == true
        var tasks: [JSONValue] = []
        var failures: [JSONValue] = []
        for reference in references {
            guard let found = state.task(reference), found.cluster == cluster else {
                failures.append(["arn": .string(reference), "reason": "MISSING"])
                continue
            }
            var task = found
            if answersMissing(&task, now: now) {
                state.tasks[task.arn] = task
                state.statistics.missingAnswers += 1
                failures.append(["arn": .string(reference), "reason": "MISSING"])
                continue
            }
            advance(&task, now: now, describing: true)
            state.tasks[task.arn] = task
            noteAdvanced(task, &state)
            if agedOut(task, now: now) {
                state.statistics.agedOutAnswers += 1
                failures.append(["arn": .string(reference), "reason": "MISSING"])
                continue
            }
            var rendered = renderTask(task, now: now)
            if !includeTags, case .object(var members) = rendered {
                members["tags"] = nil
                rendered = .object(members)
            }
            tasks.append(rendered)
        }
        return FakeECSServer.ok(["tasks": .array(tasks), "failures": .array(failures)])
    }

    func listTasks(_ body: JSONValue, now: Date, _ state: inout FakeECSState) -> ServerResponse {
        let cluster = clusterName(body)
        guard state.clusters.contains(cluster) else { return FakeECSServer.error(400, "ClusterNotFoundException", "Cluster not found.") }
        let desired = body["desiredStatus"]?.stringValue ?? "RUNNING"
        let startedBy = body["startedBy"]?.stringValue
        let family = body["family"]?.stringValue
        let otherFilters = ["desiredStatus", "family", "containerInstance", "serviceName", "launchType"].filter { body[$0] != nil }
        if configuration.startedByIsExclusiveFilter, startedBy != nil, !otherFilters.isEmpty {
            return FakeECSServer.error(
                400,
                "InvalidParameterException",
                "startedBy must be the only filter; remove \(otherFilters.joined(separator: ", "))"
            )
        }
        var arns: [String] = []
        for arn in state.taskOrder {
            guard var task = state.tasks[arn], task.cluster == cluster else { continue }
            guard startedBy == nil || task.startedBy == startedBy,
                family == nil || task.definitionARN.contains(":task-definition/\(family!):")
            else { continue }
            advance(&task, now: now, describing: false)
            state.tasks[arn] = task
            noteAdvanced(task, &state)
            guard desiredStatus(task) == desired, !hiddenFromListTasks(task, now: now) else { continue }
            if agedOut(task, now: now) {
                state.statistics.agedOutAnswers += 1
                continue
            }
            arns.append(arn)
        }
        return FakeECSServer.ok(["taskArns": .array(arns.map(JSONValue.string))])
    }

    func stopTask(_ body: JSONValue, now: Date, _ state: inout FakeECSState) -> ServerResponse {
        let cluster = clusterName(body)
        guard state.clusters.contains(cluster) else { return FakeECSServer.error(400, "ClusterNotFoundException", "Cluster not found.") }
        guard let reference = body["task"]?.stringValue, var task = state.task(reference), task.cluster == cluster else {
            return FakeECSServer.error(400, "InvalidParameterException", "The referenced task was not found.")
        }
        if task.stopReason == nil && task.lastStatus != "STOPPED" {
            advance(&task, now: now, describing: false)
            task.stopReason = body["reason"]?.stringValue ?? "Task stopped by user"
            state.statistics.tasksStopped += 1
        }
        state.tasks[task.arn] = task
        return FakeECSServer.ok(["task": renderTask(task, now: now)])
    }

    // MARK: Lifecycle

    func desiredStatus(_ task: FakeECSState.TaskRecord) -> String {
        task.stopReason != nil || task.lastStatus == "STOPPED" ? "STOPPED" : "RUNNING"
    }

    /// Moves `task` along its lifecycle; a stop request ends it at the next look.
    func advance(_ task: inout FakeECSState.TaskRecord, now: Date, describing: Bool) {
        let stopped = FakeECSState.TaskRecord.states.count - 1
        guard task.stateIndex < stopped else { return }
        if task.stopReason != nil && describing {
            task.stateIndex = stopped
            task.stoppedAt = now
            return
        }
        switch configuration.lifecycle {
        case .perDescribe(let perState):
            guard describing else { return }
            task.describesInState += 1
            if task.describesInState >= max(1, perState) {
                task.stateIndex += 1
                task.describesInState = 0
            }
        case .timeline(let provisioning, let pending, let running):
            let elapsed = now.timeIntervalSince(task.createdAt)
            let target = elapsed < provisioning ? 0 : elapsed < provisioning + pending ? 1 : elapsed < provisioning + pending + running ? 2 : 3
            task.stateIndex = max(task.stateIndex, target)
        }
        if task.outcome.neverRuns && task.stateIndex >= 2 { task.stateIndex = stopped }
        // On a timeline the task started and stopped when the timeline says, not when it is looked at.
        var startTime = now
        var stopTime = now
        if case .timeline(let provisioning, let pending, let running) = configuration.lifecycle, task.stopReason == nil {
            startTime = min(now, task.createdAt.addingTimeInterval(provisioning + pending))
            stopTime = min(now, task.createdAt.addingTimeInterval(task.outcome.neverRuns ? provisioning + pending : provisioning + pending + running))
        }
        if task.stateIndex == 2 {
            task.wasRunning = true
            task.startedAt = task.startedAt ?? startTime
        }
        if task.stateIndex == stopped {
            if !task.outcome.neverRuns {
                task.wasRunning = true
                task.startedAt = task.startedAt ?? startTime
            }
            task.stoppedAt = task.stoppedAt ?? stopTime
        }
    }

    func renderTask(_ task: FakeECSState.TaskRecord, now: Date) -> JSONValue {
        let stopped = task.lastStatus == "STOPPED"
        var container: [String: JSONValue] = [
            "name": .string(task.containerName), "image": .string(task.image), "lastStatus": .string(task.lastStatus),
            "containerArn": .string("\(arnPrefix):container/\(task.cluster)/\(task.id)/\(task.containerName)"),
            "taskArn": .string(task.arn),
        ]
        var members: [String: JSONValue] = [
            "taskArn": .string(task.arn), "clusterArn": .string(task.clusterARN), "taskDefinitionArn": .string(task.definitionARN),
            "lastStatus": .string(task.lastStatus), "desiredStatus": .string(desiredStatus(task)),
            "createdAt": .double(task.createdAt.timeIntervalSince1970), "overrides": task.overrides, "tags": .array(task.tags),
            "launchType": task.request["launchType"] ?? "FARGATE", "version": .int(Int64(task.stateIndex + 1)),
        ]
        if let startedBy = task.startedBy { members["startedBy"] = .string(startedBy) }
        if let startedAt = task.startedAt { members["startedAt"] = .double(startedAt.timeIntervalSince1970) }
        if stopped {
            if let reason = task.stopReason {
                members["stopCode"] = "UserInitiated"
                members["stoppedReason"] = .string(reason)
                if task.wasRunning { container["exitCode"] = 143 }
            } else {
                members["stopCode"] = .string(task.outcome.stopCode)
                members["stoppedReason"] = .string(task.outcome.stoppedReason)
                if let code = task.outcome.exitCode { container["exitCode"] = .int(Int64(code)) }
                if let reason = task.outcome.containerReason { container["reason"] = .string(reason) }
            }
            if let stoppedAt = task.stoppedAt { members["stoppedAt"] = .double(stoppedAt.timeIntervalSince1970) }
        }
        members["containers"] = [.object(container)]
        return .object(members)
    }
}
