import Foundation
import PushgateCore

/// The batch/v1 Job one attempt creates, built purely from the prepared job configuration the way Prefect's
/// kubernetes worker finishes its `job_manifest` (docs/provider-apis.md §10.2): the name from the idempotency
/// key instead of `generateName`, the run identity as labels (on the Job and its pod template, so pods are
/// listed by run) and annotations, env as a `{name, value}` list, a string command shell-split into `args`,
/// and Prefect's misplaced pod-spec `parallelism`/`completions` moved to the Job spec.
package struct KubernetesJobSpec: Sendable, Equatable {
    package var namespace: String
    package var name: String
    package var manifest: JSONValue
    /// Seconds a pod may stay unscheduled or missing before the run is Crashed (`pod_watch_timeout_seconds`).
    package var podWatchTimeout: TimeInterval
    /// The manifest's `ttlSecondsAfterFinished`: Kubernetes deletes the finished Job itself.
    package var ttlSecondsAfterFinished: Int?

    /// The labels every Job and pod the gateway creates carries; polling selects by the run id.
    package static let runLabel = "pushgate.io/run-id"
    package static let attemptLabel = "pushgate.io/attempt"
    static let source = "job_configuration"

    /// The spec, or every problem that makes the configuration unsubmittable, each naming its field.
    package static func make(_ job: SubmissionJob, defaultNamespace: String) -> Result<KubernetesJobSpec, TemplateError> {
        let configuration = job.configuration
        let root = JSONPath.root / "job_manifest"
        var problems: [TemplateProblem] = []
        func problem(_ path: JSONPath, _ message: String) {
            problems.append(TemplateProblem(.providerRequirement, file: source, path: path, message))
        }
        guard var manifest = configuration["job_manifest"]?.objectValue else {
            problem(root, "kubernetes needs a job_manifest object (a batch/v1 Job)")
            return .failure(TemplateError(problems))
        }
        if manifest["apiVersion"]?.stringValue != "batch/v1" { problem(root / "apiVersion", "apiVersion must be batch/v1") }
        if manifest["kind"]?.stringValue != "Job" { problem(root / "kind", "kind must be Job") }
        var metadata = manifest["metadata"]?.objectValue ?? [:]
        let namespace =
            metadata["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? configuration.nonEmptyString("namespace") ?? defaultNamespace
        if !isDNSLabel(namespace) { problem(root / "metadata" / "namespace", "namespace '\(namespace)' is not a DNS-1123 label") }
        let name = jobName(job.idempotencyKey)
        metadata["generateName"] = nil
        metadata["name"] = .string(name)
        metadata["namespace"] = .string(namespace)
        var labels = sanitized(metadata["labels"]?.objectValue ?? [:])
        let identity: [String: JSONValue] = [runLabel: .string(labelValue(job.runID)), attemptLabel: .string(String(job.attempt))]
        labels.merge(identity) { _, new in new }
        metadata["labels"] = .object(labels)
        var annotations = metadata["annotations"]?.objectValue ?? [:]
        annotations["pushgate.io/run-id"] = .string(job.runID)
        annotations["pushgate.io/idempotency-key"] = .string(job.idempotencyKey)
        annotations["pushgate.io/pool"] = .string(job.poolName)
        annotations["pushgate.io/deployment"] = .string(job.deploymentName)
        metadata["annotations"] = .object(annotations)
        manifest["metadata"] = .object(metadata)

        var spec = manifest["spec"]?.objectValue ?? [:]
        var template = spec["template"]?.objectValue ?? [:]
        var templateMetadata = template["metadata"]?.objectValue ?? [:]
        templateMetadata["labels"] = .object(sanitized(templateMetadata["labels"]?.objectValue ?? [:]).merging(identity) { _, new in new })
        template["metadata"] = .object(templateMetadata)
        var podSpec = template["spec"]?.objectValue ?? [:]
        // Prefect's template puts `parallelism` and `completions` in the pod spec, which has no such fields: its
        // worker's create passes with a warning, a `fieldValidation=Strict` create is refused (400). They are
        // the Job's fields, so they move there (a value the Job spec already has wins).
        for key in ["parallelism", "completions"] {
            if let value = podSpec.removeValue(forKey: key), spec[key] == nil { spec[key] = value }
        }
        var containers = podSpec["containers"]?.arrayValue ?? []
        let containersPath = root / "spec" / "template" / "spec" / "containers"
        if containers.isEmpty { problem(containersPath, "the Job's pod template needs a container") }
        for index in containers.indices {
            guard var container = containers[index].objectValue else { continue }
            let path = containersPath.appending(index: index)
            if container["image"]?.stringValue.map({ !$0.isEmpty }) != true {
                problem(path / "image", "kubernetes needs an image (job variable 'image')")
            }
            if case .object(let env)? = container["env"] {
                container["env"] = .array(
                    env.filter { !$0.value.isNull }.sorted { $0.key < $1.key }
                        .map { ["name": .string($0.key), "value": .string($0.value.stringValue ?? $0.value.pythonText)] }
                )
            }
            for key in ["args", "command"] {
                switch container[key] {
                case .string(let text)?:
                    if text.trimmingCharacters(in: .whitespaces).isEmpty {
                        container[key] = nil
                    } else if let words = CommandWords.split(text) {
                        container[key] = .array(words.map(JSONValue.string))
                    } else {
                        problem(path / key, "the command has an unbalanced quote")
                    }
                case .array(let items)?:
                    container[key] = .array(items.map { .string($0.stringValue ?? $0.pythonText) })
                default: break
                }
            }
            containers[index] = .object(container)
        }
        podSpec["containers"] = .array(containers)
        if podSpec["restartPolicy"] == nil { podSpec["restartPolicy"] = "Never" }
        template["spec"] = .object(podSpec)
        spec["template"] = .object(template)
        manifest["spec"] = .object(spec)
        guard problems.isEmpty else { return .failure(TemplateError(problems)) }
        return .success(
            KubernetesJobSpec(
                namespace: namespace,
                name: name,
                manifest: .object(manifest),
                podWatchTimeout: TimeInterval(configuration["pod_watch_timeout_seconds"]?.intValue ?? 60),
                ttlSecondsAfterFinished: spec["ttlSecondsAfterFinished"]?.intValue.map(Int.init)
            )
        )
    }

    /// A DNS-1123 label (what a Job name must be for its pods' `job-name` label): lower-case alphanumerics
    /// and `-`, at most 63 characters, alphanumeric at both ends. The key `pg-<run id>-<attempt>` already is one.
    package static func jobName(_ key: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        var name = String(key.lowercased().map { allowed.contains($0) ? $0 : "-" }.prefix(63))
        while name.last == "-" { name.removeLast() }
        return name.first?.isLetter == true || name.first?.isNumber == true ? name : "pg" + name.prefix(61)
    }

    static func isDNSLabel(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 63 && text == jobName(text)
    }

    /// A label value Kubernetes accepts (at most 63 of `[A-Za-z0-9_.-]`, alphanumeric at both ends), as
    /// Prefect's worker slugifies them.
    package static func labelValue(_ value: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        var text = String(value.map { allowed.contains($0) ? $0 : "-" }.prefix(63))
        while let last = text.last, !(last.isLetter || last.isNumber) { text.removeLast() }
        while let first = text.first, !(first.isLetter || first.isNumber) { text.removeFirst() }
        return text
    }

    static func sanitized(_ labels: [String: JSONValue]) -> [String: JSONValue] {
        labels.compactMapValues { value in value.isNull ? nil : .string(labelValue(value.stringValue ?? value.pythonText)) }
    }
}
