import Foundation
import PushgateCore

/// One Cloud Run V1 (Knative-style) `Job` to create, built purely from a prepared job configuration the
/// way Prefect's `cloud-run` worker post-processes `job_body` (prefect-gcp 0.6.22
/// `workers/cloud_run.py`, `CloudRunWorkerJobConfiguration.prepare_for_flow_run`; docs/provider-apis.md
/// §8.2): env moved into the first container as `{name, value}` (the Prefect API secrets as
/// `valueFrom.secretKeyRef`), labels on the job and on the execution template, `command` and `args`
/// shell-split, Prefect's default command when none is given. Unlike Prefect, the job's name is derived
/// from the idempotency key (not the flow run name plus a random suffix), so a repeated create answers
/// 409 and the job is adopted (§1.3).
package struct CloudRunV1JobSpec: Sendable, Equatable {
    package var project: String
    package var region: String
    /// `metadata.name`: a DNS label from the idempotency key.
    package var jobName: String
    package var body: JSONValue
    package var keepJob: Bool

    static let source = "job_configuration"

    /// The spec, or every problem that makes the configuration unsubmittable, each naming its field.
    package static func make(_ job: SubmissionJob, defaultProject: String?) -> Result<CloudRunV1JobSpec, TemplateError> {
        let configuration = job.configuration
        var problems: [TemplateProblem] = []
        func problem(_ path: JSONPath, _ message: String) {
            problems.append(TemplateProblem(.providerRequirement, file: source, path: path, message))
        }
        let root = JSONPath.root
        let (region, project) = GoogleJobLocation.read(configuration, defaultProject: defaultProject, type: "cloud-run:push", problem: problem)
        guard var body = configuration["job_body"]?.objectValue else {
            problem(root / "job_body", "cloud-run:push needs 'job_body', a Cloud Run V1 Job object")
            return .failure(TemplateError(problems))
        }
        let containersPath = root / "job_body" / "spec" / "template" / "spec" / "template" / "spec" / "containers"
        guard var spec = body["spec"]?.objectValue, var execution = spec["template"]?.objectValue,
            var executionSpec = execution["spec"]?.objectValue, var task = executionSpec["template"]?.objectValue,
            var taskSpec = task["spec"]?.objectValue, var containers = taskSpec["containers"]?.arrayValue,
            var container = containers.first?.objectValue
        else {
            problem(containersPath, "job_body must contain spec.template.spec.template.spec.containers with at least one container")
            return .failure(TemplateError(problems))
        }
        let containerPath = containersPath.appending(index: 0)
        if JSONValue.object(container).nonEmptyString("image") == nil {
            problem(containerPath / "image", "cloud-run:push needs an image (job variable 'image')")
        }
        for key in ["command", "args"] {
            switch container[key] ?? (key == "command" ? configuration["command"] : nil) ?? .null {
            case .string(let text) where !text.isEmpty:
                if let words = CommandWords.split(text) {
                    container[key] = .array(words.map(JSONValue.string))
                } else {
                    problem(containerPath / key, "\(key) has an unbalanced quote")
                }
            case .array(let items): container[key] = .array(items)
            default: container[key] = key == "command" ? .array(CloudRunJobSpec.defaultCommand.map(JSONValue.string)) : nil
            }
        }
        container["env"] = .array(environment(configuration, existing: container["env"]?.arrayValue ?? []))
        if var resources = container["resources"]?.objectValue {
            for key in ["limits", "requests"] {
                let kept = (resources[key]?.objectValue ?? [:]).filter { !$0.value.isNull }.mapValues { value in
                    JSONValue.string(value.stringValue ?? value.pythonText)
                }
                resources[key] = kept.isEmpty ? nil : .object(kept)
            }
            container["resources"] = resources.isEmpty ? nil : .object(resources)
        }
        containers[0] = .object(container)
        taskSpec["containers"] = .array(containers)
        // int64 fields are strings in Google's JSON (the discovery document's `format: int64`).
        switch taskSpec["timeoutSeconds"] ?? configuration["timeout"] {
        case .int(let seconds)?: taskSpec["timeoutSeconds"] = .string("\(seconds)")
        case .string(let text)? where !text.isEmpty: taskSpec["timeoutSeconds"] = .string(text.hasSuffix("s") ? String(text.dropLast()) : text)
        default: taskSpec["timeoutSeconds"] = nil
        }
        // One execution per attempt, no retries inside it: retrying is the gateway's decision (§8.2).
        if taskSpec["maxRetries"]?.intValue == nil { taskSpec["maxRetries"] = 0 }
        if taskSpec["serviceAccountName"]?.isBlankValue == true { taskSpec["serviceAccountName"] = nil }
        task["spec"] = .object(taskSpec)
        executionSpec["template"] = .object(task)
        execution["spec"] = .object(executionSpec)

        let labels = CloudRunJobSpec.sanitisedLabels(configuration["labels"]?.objectValue ?? [:])
        var executionMetadata = execution["metadata"]?.objectValue ?? [:]
        executionMetadata["labels"] = .object(CloudRunJobSpec.merged(existing: executionMetadata["labels"]?.objectValue, adding: labels))
        executionMetadata["annotations"] = nonBlank(executionMetadata["annotations"])
        // `ObjectMeta.namespace` is "Required" in the discovery document: the project id.
        if let project { executionMetadata["namespace"] = .string(project) }
        execution["metadata"] = .object(executionMetadata)
        spec["template"] = .object(execution)
        body["spec"] = .object(spec)

        let name = ResourceNames.dnsLabel(from: job.idempotencyKey)
        var metadata = body["metadata"]?.objectValue ?? [:]
        metadata["name"] = .string(name)
        if let project { metadata["namespace"] = .string(project) }
        metadata["labels"] = .object(CloudRunJobSpec.merged(existing: metadata["labels"]?.objectValue, adding: labels))
        metadata["annotations"] = nonBlank(metadata["annotations"])
        body["metadata"] = .object(metadata)

        guard problems.isEmpty, let project, let region else { return .failure(TemplateError(problems)) }
        return .success(
            CloudRunV1JobSpec(
                project: project,
                region: region,
                jobName: name,
                body: .object(body),
                keepJob: configuration["keep_job"]?.boolValue ?? false
            )
        )
    }

    /// An annotations map without blank values (a missing VPC connector renders as nothing).
    static func nonBlank(_ value: JSONValue?) -> JSONValue? {
        guard let members = value?.objectValue?.filter({ !$0.value.isBlankValue }), !members.isEmpty else { return nil }
        return .object(members)
    }

    /// The container's env: existing items, then `env` as `{name, value}` (nulls dropped), then the
    /// Prefect API secrets as Knative `valueFrom.secretKeyRef` `{name: secret, key: version}`, replacing
    /// their plaintext, as Prefect's `_populate_envs` does.
    static func environment(_ configuration: JSONValue, existing: [JSONValue]) -> [JSONValue] {
        var secrets: [(String, JSONValue)] = []
        if let selector = configuration["prefect_api_key_secret"], selector.objectValue != nil {
            secrets.append(("PREFECT_API_KEY", selector))
        }
        if let selector = configuration["prefect_api_auth_string_secret"], selector.objectValue != nil {
            secrets.append(("PREFECT_API_AUTH_STRING", selector))
        }
        let secretNames = Set(secrets.map(\.0))
        var items = existing
        for (name, value) in (configuration["env"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
        where !secretNames.contains(name) && !value.isNull {
            items.append(["name": .string(name), "value": .string(value.stringValue ?? value.pythonText)])
        }
        for (name, selector) in secrets {
            var reference: [String: JSONValue] = [:]
            reference["name"] = selector["secret"]
            reference["key"] = selector["version"] ?? "latest"
            items.append(["name": .string(name), "valueFrom": ["secretKeyRef": .object(reference)]])
        }
        return items
    }
}
