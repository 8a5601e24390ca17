import Foundation
import PushgateCore

/// One ACI container group to PUT, built purely from a prepared job configuration the way Prefect's ACI
/// worker fills its `arm_template` (docs/prefect-semantics.md §3.4; docs/provider-apis.md §4.2): image, command
/// (entrypoint + shell-split command), env as `environmentVariables` with `secureValue` for secrets,
/// cpu/memory, `restartPolicy: Never`, user-assigned identities, subnets, DNS and registry credentials.
package struct ContainerGroupSpec: Sendable, Equatable {
    package var subscriptionID: String
    package var resourceGroup: String
    /// Deterministic from the idempotency key: a repeated submission finds the same group.
    package var name: String
    /// The location from the configuration or template; nil means "the resource group's" (read by GET).
    package var location: String?
    /// The body without `location` (added once it is known).
    package var body: JSONValue
    package var keepContainerGroup: Bool

    /// `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups/{name}`.
    package var resourceID: String {
        "/subscriptions/\(subscriptionID)/resourceGroups/\(resourceGroup)/providers/Microsoft.ContainerInstance/containerGroups/\(name)"
    }

    static let resourceType = "Microsoft.ContainerInstance/containerGroups"
    static let source = "job_configuration"

    /// The spec, or every problem that makes the configuration unsubmittable, each naming its field.
    package static func make(_ job: SubmissionJob, defaultSubscription: String?) -> Result<ContainerGroupSpec, TemplateError> {
        let configuration = job.configuration
        let root = JSONPath.root
        var problems: [TemplateProblem] = []
        func problem(_ path: JSONPath, _ message: String) {
            problems.append(TemplateProblem(.providerRequirement, file: source, path: path, message))
        }
        let image = configuration.nonEmptyString("image")
        if image == nil { problem(root / "image", "azure-container-instance:push needs an image (job variable 'image')") }
        let resourceGroup = configuration.nonEmptyString("resource_group_name")
        if resourceGroup == nil {
            problem(root / "resource_group_name", "azure-container-instance:push needs a resource group (job variable 'resource_group_name')")
        }
        let subscription = configuration.nonEmptyString("subscription_id") ?? defaultSubscription
        if subscription == nil {
            problem(
                root / "subscription_id",
                "azure-container-instance:push needs a subscription (job variable 'subscription_id' or the azure profile's subscription_id)"
            )
        }
        let resources = configuration.member(at: "arm_template", "resources")?.arrayValue ?? []
        guard let index = resources.firstIndex(where: { $0["type"]?.stringValue == resourceType }),
            var properties = resources[index]["properties"]?.objectValue
        else {
            problem(root / "arm_template" / "resources", "arm_template needs a \(resourceType) resource with properties")
            return .failure(TemplateError(problems))
        }
        let resourcePath = (root / "arm_template" / "resources").appending(index: index)
        let name = ResourceNames.dnsLabel(from: job.idempotencyKey)

        guard var containers = properties["containers"]?.arrayValue, var container = containers.first?.objectValue else {
            problem(resourcePath / "properties" / "containers", "the container group needs at least one container")
            return .failure(TemplateError(problems))
        }
        var containerProperties = container["properties"]?.objectValue ?? [:]
        if let nameValue = container["name"]?.stringValue, !isExpression(nameValue), !nameValue.isEmpty {
            container["name"] = .string(nameValue)
        } else {
            container["name"] = .string(name)
        }
        if let image { containerProperties["image"] = .string(image) }

        // command: entrypoint + shell-split command (Prefect), as one array: ACI has no args field.
        var command: [JSONValue] = []
        if let entrypoint = configuration.nonEmptyString("entrypoint") { command.append(.string(entrypoint)) }
        switch configuration["command"] ?? containerProperties["command"] ?? .null {
        case .string(let text) where !text.isEmpty:
            if let words = CommandWords.split(text) {
                command += words.map(JSONValue.string)
            } else {
                problem(root / "command", "the command has an unbalanced quote")
            }
        case .array(let items): command += items
        default: break
        }
        containerProperties["command"] = command.isEmpty ? nil : .array(command)

        var environment = containerProperties["environmentVariables"]?.arrayValue ?? []
        for (key, value) in (configuration["env"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) where !value.isNull {
            let text = value.stringValue ?? value.pythonText
            environment.append(["name": .string(key), (SecretName.isSecret(key) ? "secureValue" : "value"): .string(text)])
        }
        containerProperties["environmentVariables"] = .array(environment)

        var requests = containerProperties["resources"]?["requests"]?.objectValue ?? [:]
        requests["cpu"] = number(configuration["cpu"] ?? requests["cpu"], default: 1.0)
        requests["memoryInGB"] = number(configuration["memory"] ?? requests["memoryInGB"], default: 1.0)
        if let count = configuration["gpu_count"]?.intValue, count > 0 {
            var gpu: [String: JSONValue] = ["count": .int(count)]
            if let sku = configuration.nonEmptyString("gpu_sku") { gpu["sku"] = .string(sku) }
            requests["gpu"] = .object(gpu)
        }
        containerProperties["resources"] = ["requests": .object(requests)]
        container["properties"] = .object(containerProperties)
        containers[0] = .object(container)
        properties["containers"] = .array(containers)
        if properties["osType"] == nil { properties["osType"] = "Linux" }
        if properties["restartPolicy"] == nil { properties["restartPolicy"] = "Never" }

        if let subnets = configuration["subnet_ids"]?.arrayValue, !subnets.isEmpty {
            properties["subnetIds"] = .array(subnets.compactMap { $0.stringValue.map { ["id": .string($0)] } })
        }
        if let servers = configuration["dns_servers"]?.arrayValue, !servers.isEmpty {
            properties["dnsConfig"] = ["nameServers": .array(servers)]
        }
        if let registry = configuration["image_registry"]?.objectValue, let server = registry["registry_url"]?.stringValue {
            var credential: [String: JSONValue] = ["server": .string(server)]
            if let identity = registry["identity"] {
                credential["identity"] = identity
            } else {
                credential["username"] = registry["username"]
                credential["password"] = registry["password"]
            }
            properties["imageRegistryCredentials"] = [.object(credential)]
        }

        var body: [String: JSONValue] = ["properties": .object(properties)]
        if let identities = configuration["identities"]?.arrayValue, !identities.isEmpty {
            var assigned: [String: JSONValue] = [:]
            for identity in identities.compactMap(\.stringValue) { assigned[identity] = .object([:]) }
            body["identity"] = ["type": "UserAssigned", "userAssignedIdentities": .object(assigned)]
        }
        let tags = azureTags(configuration["labels"]?.objectValue ?? [:])
        if !tags.isEmpty { body["tags"] = .object(tags) }

        let location =
            configuration.nonEmptyString("location")
            ?? resources[index].nonEmptyString("location").flatMap { isExpression($0) ? nil : $0 }
        guard problems.isEmpty, let resourceGroup, let subscription else { return .failure(TemplateError(problems)) }
        return .success(
            ContainerGroupSpec(
                subscriptionID: subscription,
                resourceGroup: resourceGroup,
                name: name,
                location: location,
                body: .object(body),
                keepContainerGroup: configuration["keep_container_group"]?.boolValue ?? false
            )
        )
    }

    /// The PUT body with its location.
    package func body(location: String) -> JSONValue {
        var object = body.objectValue ?? [:]
        object["location"] = .string(location)
        return .object(object)
    }

    /// An ARM template expression such as `[parameters('location')]`.
    static func isExpression(_ text: String) -> Bool { text.hasPrefix("[") && text.hasSuffix("]") }

    static func number(_ value: JSONValue?, default fallback: Double) -> JSONValue {
        switch value {
        case .int(let number)?: return .double(Double(number))
        case .double(let number)?: return .double(number)
        case .string(let text)?: return .double(Double(text) ?? fallback)
        default: return .double(fallback)
        }
    }

    /// Azure tag names may not contain `<>%&\?/` and are at most 512 characters; values at most 256.
    static func azureTags(_ labels: [String: JSONValue]) -> [String: JSONValue] {
        let forbidden = Set("<>%&\\?/")
        var out: [String: JSONValue] = [:]
        for (key, value) in labels {
            let name = String(String(key.map { forbidden.contains($0) ? "_" : $0 }).prefix(512))
            out[name] = .string(String((value.stringValue ?? value.pythonText).prefix(256)))
        }
        return out
    }
}
