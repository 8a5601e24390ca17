import Foundation
import PushgateCore

/// One Cloud Run v2 job to create, built purely from a prepared job configuration the way Prefect's
/// Cloud Run v2 worker post-processes `job_body` (docs/prefect-semantics.md §3.4; docs/provider-apis.md §3.2):
/// env as a list (secrets as `secretKeyRef`), sanitised labels on job and execution template, command
/// and args shell-split, `timeout` as `"<n>s"`, `vpcAccess` dropped without a connector.
package struct CloudRunJobSpec: Sendable, Equatable {
    package var project: String
    package var region: String
    /// Deterministic from the idempotency key, so a repeated create answers 409 ALREADY_EXISTS.
    package var jobID: String
    package var body: JSONValue
    package var keepJob: Bool

    /// `projects/{p}/locations/{r}`.
    package var parent: String { "projects/\(project)/locations/\(region)" }
    /// `projects/{p}/locations/{r}/jobs/{id}`: the job's resource name and the run's handle.
    package var jobName: String { "\(parent)/jobs/\(jobID)" }

    package static let defaultCommand = ["prefect", "flow-run", "execute"]
    package static let maxLabels = 64
    static let source = "job_configuration"

    /// The spec, or every problem that makes the configuration unsubmittable, each naming its field.
    package static func make(_ job: SubmissionJob, defaultProject: String?) -> Result<CloudRunJobSpec, TemplateError> {
        let configuration = job.configuration
        var problems: [TemplateProblem] = []
        func problem(_ path: JSONPath, _ message: String) {
            problems.append(TemplateProblem(.providerRequirement, file: source, path: path, message))
        }
        let root = JSONPath.root
        let (region, project) = GoogleJobLocation.read(configuration, defaultProject: defaultProject, type: "cloud-run-v2:push", problem: problem)
        guard var body = configuration["job_body"]?.objectValue else {
            problem(root / "job_body", "cloud-run-v2:push needs 'job_body', a Cloud Run v2 Job object")
            return .failure(TemplateError(problems))
        }
        let containersPath = root / "job_body" / "template" / "template" / "containers"
        guard var execution = body["template"]?.objectValue, var task = execution["template"]?.objectValue,
            var containers = task["containers"]?.arrayValue, var container = containers.first?.objectValue
        else {
            problem(containersPath, "job_body must contain template.template.containers with at least one container")
            return .failure(TemplateError(problems))
        }
        let containerPath = containersPath.appending(index: 0)
        if JSONValue.object(container).nonEmptyString("image") == nil {
            problem(containerPath / "image", "cloud-run-v2:push needs an image (job variable 'image')")
        }

        // command and args: shell-split strings, Prefect's default command when none is given.
        switch container["command"] ?? configuration["command"] ?? .null {
        case .string(let text) where !text.isEmpty:
            if let words = CommandWords.split(text) {
                container["command"] = .array(words.map(JSONValue.string))
            } else {
                problem(containerPath / "command", "the command has an unbalanced quote")
            }
        case .array(let items): container["command"] = .array(items)
        default: container["command"] = .array(defaultCommand.map(JSONValue.string))
        }
        if case .string(let text)? = container["args"] {
            if let words = CommandWords.split(text) {
                container["args"] = .array(words.map(JSONValue.string))
            } else {
                problem(containerPath / "args", "args has an unbalanced quote")
            }
        } else if container["args"]?.isBlankValue == true {
            container["args"] = nil
        }

        container["env"] = .array(environment(configuration, existing: container["env"]?.arrayValue ?? []))
        if let limits = container["resources"]?["limits"]?.objectValue {
            let kept = limits.filter { !$0.value.isNull }.mapValues { value -> JSONValue in
                if let text = value.stringValue { return .string(text) }
                return .string(value.pythonText)
            }
            container["resources"] = kept.isEmpty ? nil : .object(["limits": .object(kept)])
        }

        if let instances = configuration["cloudsql_instances"]?.arrayValue, !instances.isEmpty {
            var volumes = task["volumes"]?.arrayValue ?? []
            volumes.append(["name": "cloudsql", "cloudSqlInstance": ["instances": .array(instances)]])
            task["volumes"] = .array(volumes)
            var mounts = container["volumeMounts"]?.arrayValue ?? []
            mounts.append(["name": "cloudsql", "mountPath": "/cloudsql"])
            container["volumeMounts"] = .array(mounts)
        }

        containers[0] = .object(container)
        task["containers"] = .array(containers)
        switch task["timeout"] ?? configuration["timeout"] {
        case .int(let seconds)?: task["timeout"] = .string("\(seconds)s")
        case .double(let seconds)?: task["timeout"] = .string("\(JSONValue.formatDouble(seconds))s")
        case .string(let text)? where !text.isEmpty: task["timeout"] = .string(text.hasSuffix("s") ? text : text + "s")
        default: task["timeout"] = nil
        }
        // Run once per attempt: the API's default is 3 retries (§3.2).
        if task["maxRetries"]?.intValue == nil { task["maxRetries"] = 0 }
        if task["vpcAccess"]?["connector"]?.stringValue?.isEmpty ?? true { task["vpcAccess"] = nil }
        if task["serviceAccount"]?.isBlankValue == true { task["serviceAccount"] = nil }

        let labels = sanitisedLabels(configuration["labels"]?.objectValue ?? [:])
        execution["labels"] = .object(merged(existing: execution["labels"]?.objectValue, adding: labels))
        execution["template"] = .object(task)
        body["template"] = .object(execution)
        body["labels"] = .object(merged(existing: body["labels"]?.objectValue, adding: labels))
        if body["launchStage"]?.isBlankValue == true { body["launchStage"] = nil }

        guard problems.isEmpty, let project, let region else { return .failure(TemplateError(problems)) }
        return .success(
            CloudRunJobSpec(
                project: project,
                region: region,
                jobID: ResourceNames.dnsLabel(from: job.idempotencyKey),
                body: .object(body),
                keepJob: configuration["keep_job"]?.boolValue ?? false
            )
        )
    }

    /// The container's env list: existing items, then `env` as `{name, value}` (nulls dropped), with
    /// `env_from_secrets` and the Prefect API secrets as `valueSource.secretKeyRef` replacing plaintext.
    static func environment(_ configuration: JSONValue, existing: [JSONValue]) -> [JSONValue] {
        var secrets: [(String, JSONValue)] = []
        for (name, selector) in (configuration["env_from_secrets"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            secrets.append((name, selector))
        }
        if let selector = configuration["prefect_api_key_secret"], selector.objectValue != nil {
            secrets.append(("PREFECT_API_KEY", selector))
        }
        if let selector = configuration["prefect_api_auth_string_secret"], selector.objectValue != nil {
            secrets.append(("PREFECT_API_AUTH_STRING", selector))
        }
        let secretNames = Set(secrets.map(\.0))
        var items = existing
        for (name, value) in (configuration["env"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
        where !secretNames.contains(name) {
            switch value {
            case .null: continue
            case .string(let text): items.append(["name": .string(name), "value": .string(text)])
            default: items.append(["name": .string(name), "value": .string(value.pythonText)])
            }
        }
        for (name, selector) in secrets {
            var reference: [String: JSONValue] = [:]
            reference["secret"] = selector["secret"]
            reference["version"] = selector["version"] ?? "latest"
            items.append(["name": .string(name), "valueSource": ["secretKeyRef": .object(reference)]])
        }
        return items
    }

    /// Labels made GCP-safe (keys and values).
    static func sanitisedLabels(_ labels: [String: JSONValue]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            let text = value.stringValue ?? value.pythonText
            out[ResourceNames.gcpLabel(key, isKey: true)] = .string(ResourceNames.gcpLabel(text, isKey: false))
        }
        return out
    }

    /// `existing` wins over `adding`; at most ``maxLabels`` in all.
    static func merged(existing: [String: JSONValue]?, adding: [String: JSONValue]) -> [String: JSONValue] {
        var out = existing ?? [:]
        for (key, value) in adding.sorted(by: { $0.key < $1.key }) where out[key] == nil && out.count < maxLabels {
            out[key] = value
        }
        return out
    }
}
