import Foundation
import PushgateCore
import PushgateSigning

extension ECSSubmissionPlan {
    /// The file name problems are reported against.
    package static let problemFile = "job_configuration"
    /// Prefect's default container name (docs/prefect-semantics.md §3.4).
    package static let defaultContainerName = "prefect"
    /// Prefect's defaults when the template leaves cpu and memory unset.
    package static let defaultCPU = 1024
    package static let defaultMemory = 2048
    /// RunTask limits the whole `overrides` JSON to 8192 characters (docs/provider-apis.md §2.3).
    package static let maxOverridesLength = 8192
    /// `startedBy` is kept to 36 characters of `[A-Za-z0-9-/_]` (ListTasks matches it exactly).
    package static let maxStartedByLength = 36

    /// Builds the plan, or the problems that make the configuration unsubmittable (each names its field).
    /// `region` fills the awslogs options.
    package static func build(job: SubmissionJob, region: String) -> (plan: ECSSubmissionPlan?, problems: [TemplateProblem]) {
        var builder = Builder(job: job, region: region)
        let plan = builder.build()
        return (builder.problems.isEmpty ? plan : nil, builder.problems)
    }

    /// `startedBy` for an idempotency key: the key itself when it fits ECS's rules, else `pg-` and 33 hex
    /// digits of its SHA-256, so a look-up by `startedBy` finds exactly this run's task.
    package static func startedBy(idempotencyKey key: String) -> String {
        let fits =
            key.count <= maxStartedByLength
            && key.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-/_".unicodeScalars.contains(scalar))
            }
        if fits && !key.isEmpty { return key }
        return "pg-" + HexEncoding.encode(Digest.sha256(key)).prefix(maxStartedByLength - 3)
    }

    /// The first 16 hex digits of the SHA-256 of the definition's deterministic JSON (sorted keys).
    package static func definitionHash(_ definition: JSONValue) -> String {
        String(HexEncoding.encode(Digest.sha256(definition.serialized())).prefix(16))
    }

    /// A valid family name: letters, digits, `_` and `-`, at most 255 characters.
    package static func family(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let ok = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-")
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        return String(out.prefix(255))
    }

    /// Removes null, empty strings, zero, empty arrays and empty objects, recursively; keeps `false`
    /// (Prefect's `_drop_empty_keys_from_dict`).
    package static func droppingEmpty(_ value: JSONValue) -> JSONValue? {
        // `JSONValue` is ExpressibleByNilLiteral: a bare `nil` in a ternary would become `.null`, so
        // absence is spelled `.none`.
        let absent: JSONValue? = .none
        switch value {
        case .null: return absent
        case .string(let text): return text.isEmpty ? absent : value
        case .int(let number): return number == 0 ? absent : value
        case .double(let number): return number == 0 ? absent : value
        case .bool: return value
        case .array(let items):
            let kept = items.map { item -> JSONValue in
                if case .object = item { return droppingEmpty(item) ?? .object([:]) }
                return item
            }
            return kept.isEmpty ? absent : .array(kept)
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members {
                if let member = droppingEmpty(member) { kept[key] = member }
            }
            return kept.isEmpty ? absent : .object(kept)
        }
    }
}

/// The mutable state of one ``ECSSubmissionPlan/build(job:region:)`` call.
private struct Builder {
    let job: SubmissionJob
    let region: String
    let config: [String: JSONValue]
    var problems: [TemplateProblem] = []
    var networkDiscovery: ECSNetworkDiscovery?

    init(job: SubmissionJob, region: String) {
        self.job = job
        self.region = region
        config = job.configuration.objectValue ?? [:]
    }

    mutating func problem(_ path: JSONPath, _ message: String, _ code: TemplateProblem.Code = .invalidValue) {
        problems.append(TemplateProblem(code, file: ECSSubmissionPlan.problemFile, path: path, message))
    }

    func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return text.isEmpty ? nil : text
        case .int(let number)?: return String(number)
        default: return nil
        }
    }

    func object(_ key: String) -> [String: JSONValue] { config[key]?.objectValue ?? [:] }

    func stringMap(_ value: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        for (key, member) in value?.objectValue ?? [:] where member != .null {
            out[key] = member.stringValue ?? member.pythonText
        }
        return out
    }

    mutating func build() -> ECSSubmissionPlan? {
        if job.configuration.objectValue == nil {
            problem(.root, "the rendered job configuration is not an object")
            return nil
        }
        for key in ["task_definition", "task_run_request", "network_configuration"] {
            if let value = config[key], value != .null, value.objectValue == nil {
                problem(.root / key, "must be an object, got \(value.typeName)")
            }
        }
        let request = object("task_run_request")
        let existing = text(request["taskDefinition"]) ?? text(config["task_definition_arn"])
        let cluster = text(request["cluster"]) ?? text(config["cluster"])
        let strategy = request["capacityProviderStrategy"]?.arrayValue ?? []
        let autoDeregister = config["auto_deregister_task_definition"]?.boolValue ?? false

        // Launch type: FARGATE unless said otherwise; a capacity provider strategy replaces it.
        var launchType = text(request["launchType"])
        let definitionInput = object("task_definition")
        if launchType == nil {
            let compatibilities = definitionInput["requiresCompatibilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
            launchType = compatibilities == ["EC2"] ? "EC2" : "FARGATE"
        }
        let isFargate: Bool = {
            if !strategy.isEmpty {
                return strategy.allSatisfy { ($0["capacityProvider"]?.stringValue ?? "").hasPrefix("FARGATE") }
            }
            return launchType == "FARGATE" || launchType == "FARGATE_SPOT"
        }()

        var containerName = text(config["container_name"])
        var registration: JSONValue?
        var family: String?
        var hash: String?
        var networkMode: String?
        if existing == nil {
            let built = buildDefinition(definitionInput, containerName: containerName, launchType: launchType, isFargate: isFargate)
            containerName = built.containerName
            networkMode = built.definition["networkMode"]?.stringValue
            let content = ECSSubmissionPlan.droppingEmpty(.object(built.definition)) ?? .object([:])
            hash = ECSSubmissionPlan.definitionHash(content)
            family = content["family"]?.stringValue
            var withTags = content.objectValue ?? [:]
            var tags = withTags["tags"]?.arrayValue ?? []
            tags.append(["key": .string(ECSTags.definitionHash), "value": .string(hash!)])
            if autoDeregister {
                tags.append(["key": .string(ECSTags.registeredFor), "value": .string(job.idempotencyKey)])
            }
            withTags["tags"] = .array(tags)
            registration = .object(withTags)
        } else if isFargate {
            networkMode = "awsvpc"
        }

        let runTask = buildRunTask(
            request,
            cluster: cluster,
            launchType: launchType,
            strategy: strategy,
            networkMode: networkMode,
            containerName: containerName
        )
        return ECSSubmissionPlan(
            containerName: containerName,
            cluster: cluster,
            registration: registration,
            family: family,
            definitionHash: hash,
            existingTaskDefinition: existing,
            runTask: runTask,
            autoDeregister: autoDeregister,
            networkDiscovery: networkDiscovery
        )
    }

    // MARK: Task definition

    mutating func buildDefinition(
        _ input: [String: JSONValue],
        containerName configured: String?,
        launchType: String?,
        isFargate: Bool
    ) -> (definition: [String: JSONValue], containerName: String) {
        var definition = input
        let definitionPath = JSONPath.root / "task_definition"
        var containers = (definition["containerDefinitions"]?.arrayValue ?? []).map { $0.objectValue ?? [:] }
        let name = configured ?? containers.first.flatMap { text($0["name"]) } ?? ECSSubmissionPlan.defaultContainerName
        var index = containers.firstIndex { text($0["name"]) == name }
        if index == nil {
            if name != ECSSubmissionPlan.defaultContainerName {
                problem(.root / "container_name", "container '\(name)' is not among task_definition.containerDefinitions")
            } else if let unnamed = containers.firstIndex(where: { text($0["name"]) == nil }) {
                containers[unnamed]["name"] = .string(name)
                index = unnamed
            } else {
                containers.append(["name": .string(name)])
                index = containers.count - 1
            }
        }
        for (position, container) in containers.enumerated() where text(container["image"]) == nil {
            let label = text(container["name"]) ?? "#\(position)"
            problem(
                definitionPath.appending("containerDefinitions").appending(index: position).appending("image"),
                "container '\(label)' has no image: set the 'image' job variable, or name an existing task definition "
                    + "with 'task_definition_arn'",
                .missingRequired
            )
        }

        if let role = text(config["execution_role_arn"]), text(definition["executionRoleArn"]) == nil {
            definition["executionRoleArn"] = .string(role)
        }
        if let main = index {
            var container = containers[main]
            if config["configure_cloudwatch_logs"]?.boolValue == true {
                if text(definition["executionRoleArn"]) == nil {
                    problem(
                        .root / "execution_role_arn",
                        "configure_cloudwatch_logs needs an execution role (execution_role_arn) to write to CloudWatch"
                    )
                }
                var options: [String: JSONValue] = [
                    "awslogs-create-group": "true",
                    "awslogs-group": "prefect",
                    "awslogs-region": .string(region),
                    "awslogs-stream-prefix": .string(
                        text(config["cloudwatch_logs_prefix"]) ?? "prefect-logs_\(job.poolName)_\(job.deploymentName)"
                    ),
                ]
                for (key, value) in stringMap(config["cloudwatch_logs_options"]) { options[key] = .string(value) }
                container["logConfiguration"] = ["logDriver": "awslogs", "options": .object(options)]
            }
            var secrets = container["secrets"]?.arrayValue ?? []
            if let arn = text(config["prefect_api_key_secret_arn"]) {
                secrets.append(["name": "PREFECT_API_KEY", "valueFrom": .string(arn)])
            }
            if let arn = text(config["prefect_api_auth_string_secret_arn"]) {
                secrets.append(["name": "PREFECT_API_AUTH_STRING", "valueFrom": .string(arn)])
            }
            if !secrets.isEmpty { container["secrets"] = .array(secrets) }
            containers[main] = container
        }

        // cpu and memory: task level (strings) for Fargate, container level (ints) for EC2.
        let cpu = text(definition["cpu"]) ?? String(ECSSubmissionPlan.defaultCPU)
        let memory = text(definition["memory"]) ?? String(ECSSubmissionPlan.defaultMemory)
        if isFargate {
            definition["cpu"] = .string(cpu)
            definition["memory"] = .string(memory)
            var compatibilities = definition["requiresCompatibilities"]?.arrayValue ?? []
            if !compatibilities.contains("FARGATE") { compatibilities.append("FARGATE") }
            definition["requiresCompatibilities"] = .array(compatibilities)
            if text(definition["networkMode"]) == nil { definition["networkMode"] = "awsvpc" }
        } else if launchType == "EC2", let main = index {
            if containers[main]["cpu"] == nil, let value = Int64(cpu) { containers[main]["cpu"] = .int(value) }
            if containers[main]["memory"] == nil, let value = Int64(memory) { containers[main]["memory"] = .int(value) }
            if let value = text(definition["cpu"]) { definition["cpu"] = .string(value) }
            if let value = text(definition["memory"]) { definition["memory"] = .string(value) }
        }
        // Container-level memory where only the task has some: EC2 launch types and moto need it
        // (docs/build-notes.md §4); the task's memory is shared among the containers that set none.
        if let taskMemory = text(definition["memory"]).flatMap({ Int64($0) }) {
            let lacking = containers.indices.filter { containers[$0]["memory"] == nil && containers[$0]["memoryReservation"] == nil }
            let used = containers.reduce(Int64(0)) { sum, container in
                sum + (container["memoryReservation"]?.intValue ?? container["memory"]?.intValue ?? 0)
            }
            if !lacking.isEmpty {
                let share = (taskMemory - used) / Int64(lacking.count)
                if share >= 6 { for position in lacking { containers[position]["memoryReservation"] = .int(share) } }
            }
        }
        definition["containerDefinitions"] = .array(containers.map(JSONValue.object))
        definition["family"] = .string(
            ECSSubmissionPlan.family(text(definition["family"]) ?? "pushgate_\(job.poolName)_\(job.deploymentName)")
        )
        return (definition, name)
    }

    // MARK: RunTask

    mutating func buildRunTask(
        _ input: [String: JSONValue],
        cluster: String?,
        launchType: String?,
        strategy: [JSONValue],
        networkMode: String?,
        containerName: String?
    ) -> [String: JSONValue] {
        let requestPath = JSONPath.root / "task_run_request"
        var request = input
        request["taskDefinition"] = nil
        if let cluster { request["cluster"] = .string(cluster) }
        if !strategy.isEmpty {
            request["launchType"] = nil
        } else if launchType == "FARGATE_SPOT" {
            request["launchType"] = nil
            request["capacityProviderStrategy"] = [["capacityProvider": "FARGATE_SPOT", "weight": 1]]
        } else if let launchType {
            request["launchType"] = .string(launchType)
        }

        // Network: network_configuration is the awsvpcConfiguration (or the whole networkConfiguration).
        let given = object("network_configuration")
        if request["networkConfiguration"].flatMap(ECSSubmissionPlan.droppingEmpty) == nil {
            if let network = ECSSubmissionPlan.droppingEmpty(.object(given)) {
                request["networkConfiguration"] = given["awsvpcConfiguration"] != nil ? network : ["awsvpcConfiguration": network]
            } else if networkMode == "awsvpc" {
                networkDiscovery = ECSNetworkDiscovery(vpcID: text(config["vpc_id"]))
            }
        }

        // Overrides: env as [{name, value}], command shell-split, cpu/memory typed.
        var overrides = request["overrides"]?.objectValue ?? [:]
        var containers = (overrides["containerOverrides"]?.arrayValue ?? []).map { $0.objectValue ?? [:] }
        var main = containerName.flatMap { name in containers.firstIndex { text($0["name"]) == name } }
        if main == nil {
            main = containers.firstIndex { text($0["name"]) == nil }
            if main == nil {
                containers.append([:])
                main = containers.count - 1
            }
            if let containerName { containers[main!]["name"] = .string(containerName) }
        }
        var environment = stringMap(containers[main!]["environment"]).merging(stringMap(config["env"])) { _, configured in configured }
        if text(config["prefect_api_key_secret_arn"]) != nil { environment["PREFECT_API_KEY"] = nil }
        if text(config["prefect_api_auth_string_secret_arn"]) != nil { environment["PREFECT_API_AUTH_STRING"] = nil }
        containers[main!]["environment"] = .object(environment.mapValues(JSONValue.string))
        for position in containers.indices {
            let path = requestPath.appending("overrides").appending("containerOverrides").appending(index: position)
            if case .string(let line)? = containers[position]["command"] {
                do {
                    containers[position]["command"] = .array(try ShellWords.split(line).map(JSONValue.string))
                } catch {
                    problem(path / "command", error.message)
                }
            }
            if case .object(let env)? = containers[position]["environment"] {
                containers[position]["environment"] = .array(
                    env.keys.sorted().compactMap { key in
                        guard let value = env[key], value != .null else { return nil }
                        return ["name": .string(key), "value": .string(value.stringValue ?? value.pythonText)]
                    }
                )
            }
            for key in ["cpu", "memory", "memoryReservation"] {
                if let value = containers[position][key], let number = text(value).flatMap({ Int64($0) }) {
                    containers[position][key] = .int(number)
                }
            }
        }
        overrides["containerOverrides"] = .array(containers.map(JSONValue.object))
        for key in ["cpu", "memory"] { if let value = text(overrides[key]) { overrides[key] = .string(value) } }
        request["overrides"] = .object(overrides)

        var cleaned = ECSSubmissionPlan.droppingEmpty(.object(request))?.objectValue ?? [:]
        // The strategy is passed as given (`base: 0` included), as Prefect exempts it from the clean-up.
        if let strategy = request["capacityProviderStrategy"], strategy.arrayValue?.isEmpty == false {
            cleaned["capacityProviderStrategy"] = strategy
        }
        if let overridesValue = cleaned["overrides"], overridesValue.serialized().count > ECSSubmissionPlan.maxOverridesLength {
            problem(
                requestPath / "overrides",
                "the overrides are \(overridesValue.serialized().count) characters of JSON; RunTask accepts at most "
                    + "\(ECSSubmissionPlan.maxOverridesLength) (move large env values into the task definition or secrets)"
            )
        }

        // Tags: the request's own, the labels, then the run's identity.
        var tags: [(key: String, value: String)] = []
        switch request["tags"] {
        case .object(let members)?:
            for key in members.keys.sorted() {
                if let value = members[key], value != .null { tags.append((key, value.stringValue ?? value.pythonText)) }
            }
        case .array(let items)?:
            for item in items { if let key = text(item["key"]) { tags.append((key, text(item["value"]) ?? "")) } }
        default: break
        }
        let labels = stringMap(config["labels"])
        for key in labels.keys.sorted() { tags.append((key, labels[key]!)) }
        if labels["prefect.io/flow-run-id"] == nil { tags.append(("prefect.io/flow-run-id", job.runID)) }
        tags.append((ECSTags.idempotencyKey, job.idempotencyKey))
        let tagList = ECSTags.list(tags)
        if tagList.count > ECSTags.maxCount {
            problem(.root / "labels", "\(tagList.count) tags; ECS allows at most \(ECSTags.maxCount) per task")
        }
        cleaned["tags"] = .array(tagList)

        if let count = cleaned["count"]?.intValue, count != 1 {
            problem(requestPath / "count", "pushgate starts exactly one task per run attempt; count must be 1, got \(count)")
        }
        cleaned["count"] = 1
        let key = job.idempotencyKey
        if key.isEmpty || key.count > 64 || !key.unicodeScalars.allSatisfy({ $0.value >= 33 && $0.value <= 126 }) {
            problem(.root, "idempotency key '\(key)' is not a valid clientToken (1-64 ASCII characters 33-126)")
        }
        cleaned["clientToken"] = .string(key)
        cleaned["startedBy"] = .string(ECSSubmissionPlan.startedBy(idempotencyKey: key))
        return cleaned
    }
}
