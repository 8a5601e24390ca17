import Foundation
import PushgateCore

/// One container to create, built purely from a prepared job configuration the way Prefect's docker worker
/// fills `containers.create` (docs/provider-apis.md §7.2): image, shell-split command, env, labels with the
/// run identity, network mode or networks, volumes as binds, memory and cpu limits, privileged.
package struct DockerContainerSpec: Sendable, Equatable {
    /// Deterministic from the idempotency key: a repeated create answers 409 and the container is adopted.
    package var name: String
    package var image: DockerImageReference
    package var imageReference: String
    package var pullPolicy: PullPolicy
    /// The `ContainerCreate` body (ContainerConfig + HostConfig + NetworkingConfig).
    package var body: JSONValue
    /// Remove the container once the run is terminal (`auto_remove`); the gateway does it itself after reading
    /// the exit code, since the engine's own AutoRemove would delete the container before it is read.
    package var autoRemove: Bool
    /// Credentials from the template's `registry_credentials`, which win over the profile's.
    package var registryAuth: DockerRegistryAuth?

    /// Prefect's `image_pull_policy` values.
    package enum PullPolicy: String, Sendable, Equatable {
        case ifNotPresent = "IfNotPresent"
        case always = "Always"
        case ifPossible = "IfPossible"
        case never = "Never"
    }

    static let source = "job_configuration"

    /// The spec, or every problem that makes the configuration unsubmittable, each naming its field.
    package static func make(_ job: SubmissionJob) -> Result<DockerContainerSpec, TemplateError> {
        let configuration = job.configuration
        let root = JSONPath.root
        var problems: [TemplateProblem] = []
        func problem(_ path: JSONPath, _ message: String) {
            problems.append(TemplateProblem(.providerRequirement, file: source, path: path, message))
        }
        let image = configuration.nonEmptyString("image")
        if image == nil { problem(root / "image", "docker needs an image (job variable 'image')") }

        var policy = PullPolicy.ifNotPresent
        if let text = configuration.nonEmptyString("image_pull_policy") {
            if let known = PullPolicy(rawValue: text) {
                policy = known
            } else {
                problem(root / "image_pull_policy", "image_pull_policy must be IfNotPresent, Always, IfPossible or Never, not '\(text)'")
            }
        } else if let image, DockerImageReference(image).isLatest {
            policy = .always
        }

        var body: [String: JSONValue] = [:]
        var host: [String: JSONValue] = [:]
        if let image { body["Image"] = .string(image) }
        switch configuration["command"] ?? .null {
        case .string(let text) where !text.trimmingCharacters(in: .whitespaces).isEmpty:
            if let words = CommandWords.split(text) {
                body["Cmd"] = .array(words.map(JSONValue.string))
            } else {
                problem(root / "command", "the command has an unbalanced quote")
            }
        case .array(let items) where !items.isEmpty:
            body["Cmd"] = .array(items.map { .string($0.stringValue ?? $0.pythonText) })
        default: break
        }
        let env = (configuration["env"]?.objectValue ?? [:]).filter { !$0.value.isNull }.sorted { $0.key < $1.key }
        body["Env"] = .array(env.map { .string("\($0.key)=\($0.value.stringValue ?? $0.value.pythonText)") })

        var labels: [String: JSONValue] = [:]
        for (key, value) in configuration["labels"]?.objectValue ?? [:] where !value.isNull {
            labels[key] = .string(value.stringValue ?? value.pythonText)
        }
        labels[DockerRequests.runLabel] = .string(job.runID)
        labels["pushgate.io/attempt"] = .string(String(job.attempt))
        labels["pushgate.io/pool"] = .string(job.poolName)
        labels["pushgate.io/idempotency-key"] = .string(job.idempotencyKey)
        body["Labels"] = .object(labels)

        let networks = (configuration["networks"]?.arrayValue ?? []).compactMap(\.stringValue).filter { !$0.isEmpty }
        let networkMode = configuration.nonEmptyString("network_mode")
        if !networks.isEmpty, networkMode != nil {
            problem(root / "network_mode", "network_mode cannot be set together with networks")
        }
        if let networkMode { host["NetworkMode"] = .string(networkMode) }
        if let first = networks.first {
            host["NetworkMode"] = .string(first)
            var endpoints: [String: JSONValue] = [:]
            for network in networks { endpoints[network] = .object([:]) }
            body["NetworkingConfig"] = ["EndpointsConfig": .object(endpoints)]
        }
        let volumes = (configuration["volumes"]?.arrayValue ?? []).compactMap(\.stringValue).filter { !$0.isEmpty }
        for (index, volume) in volumes.enumerated() where !volume.contains(":") {
            problem((root / "volumes").appending(index: index), "a volume is SOURCE:TARGET[:MODE], not '\(volume)'")
        }
        if !volumes.isEmpty { host["Binds"] = .array(volumes.map(JSONValue.string)) }

        for (key, field) in [("mem_limit", "Memory"), ("memswap_limit", "MemorySwap")] {
            guard let value = configuration[key], !value.isNull, value != .string("") else { continue }
            if let bytes = byteCount(value) {
                host[field] = .int(bytes)
            } else {
                problem(root / key, "\(key) must be bytes with an optional unit b, k, m or g (e.g. 128m), not \(value.pythonText)")
            }
        }
        if host["MemorySwap"] != nil, host["Memory"] == nil {
            problem(root / "memswap_limit", "memswap_limit needs mem_limit")
        }
        // Prefect's docker template has no cpu field; a template that adds `cpus` (docker run --cpus) gets NanoCpus.
        if let cpus = configuration["cpus"], !cpus.isNull {
            if let value = cpus.doubleValue ?? cpus.stringValue.flatMap(Double.init), value > 0 {
                host["NanoCpus"] = .int(Int64((value * 1e9).rounded()))
            } else {
                problem(root / "cpus", "cpus must be a positive number of CPUs")
            }
        }
        if configuration["privileged"]?.boolValue == true { host["Privileged"] = true }
        body["HostConfig"] = .object(host)
        body["Tty"] = false
        body["AttachStdout"] = false
        body["AttachStderr"] = false

        var registryAuth: DockerRegistryAuth?
        if let credentials = configuration["registry_credentials"]?.objectValue,
            let username = credentials["username"]?.stringValue, let password = credentials["password"]?.stringValue
        {
            registryAuth = DockerRegistryAuth(
                username: username,
                password: SecretValue(password),
                serverAddress: credentials["registry_url"]?.stringValue
            )
        }
        guard problems.isEmpty, let image else { return .failure(TemplateError(problems)) }
        return .success(
            DockerContainerSpec(
                name: containerName(job.idempotencyKey),
                image: DockerImageReference(image),
                imageReference: image,
                pullPolicy: policy,
                body: .object(body),
                autoRemove: configuration["auto_remove"]?.boolValue ?? false,
                registryAuth: registryAuth
            )
        )
    }

    /// A valid container name (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`) from the idempotency key.
    package static func containerName(_ key: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        let cleaned = String(key.map { allowed.contains($0) ? $0 : "-" })
        return cleaned.first.map { $0.isLetter || $0.isNumber } == true ? cleaned : "pg" + cleaned
    }

    /// docker-py's `parse_bytes`: an integer with an optional unit b/k/m/g (powers of 1024); -1 (unlimited
    /// swap) passes through.
    package static func byteCount(_ value: JSONValue) -> Int64? {
        if let number = value.intValue { return number }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else { return nil }
        if text == "-1" { return -1 }
        let units: [Character: Int64] = ["b": 1, "k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024]
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let last = text.last, let unit = units[last] {
            multiplier = unit
            digits = digits.dropLast()
        }
        guard let number = Int64(digits), number >= 0 else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
