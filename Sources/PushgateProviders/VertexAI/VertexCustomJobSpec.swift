import Foundation
import PushgateCore

/// One Vertex AI `CustomJob` to create, built purely from a prepared job configuration the way Prefect's
/// `vertex-ai` worker builds it (prefect-gcp 0.6.22 `workers/vertex.py` `_build_job_spec`,
/// `_create_and_begin_job`; docs/provider-apis.md §9.2): `job_spec`'s snake_case fields in the REST
/// API's lowerCamelCase, the container's env and command from the configuration,
/// `maximum_run_time_hours` as `scheduling.timeout`, `service_account_name` as `serviceAccount`, the
/// flow run's name as `displayName`, sanitised labels plus the run identity labels the exactly-once
/// look-up filters on (`pushgate-run-id`, `pushgate-attempt`).
package struct VertexCustomJobSpec: Sendable, Equatable {
    package var project: String
    package var region: String
    package var body: JSONValue
    /// `labels.pushgate-run-id="…" AND labels.pushgate-attempt="…"`: the `customJobs.list` filter.
    package var filter: String

    /// `projects/{p}/locations/{r}`.
    package var parent: String { "projects/\(project)/locations/\(region)" }

    static let source = "job_configuration"

    package static func make(_ job: SubmissionJob, defaultProject: String?) -> Result<VertexCustomJobSpec, TemplateError> {
        let configuration = job.configuration
        var problems: [TemplateProblem] = []
        func problem(_ path: JSONPath, _ message: String) {
            problems.append(TemplateProblem(.providerRequirement, file: source, path: path, message))
        }
        let root = JSONPath.root
        let (region, project) = GoogleJobLocation.read(configuration, defaultProject: defaultProject, type: "vertex-ai:push", problem: problem)
        guard var spec = configuration["job_spec"]?.objectValue else {
            problem(root / "job_spec", "vertex-ai:push needs 'job_spec', a Vertex AI CustomJobSpec")
            return .failure(TemplateError(problems))
        }
        let poolsPath = root / "job_spec" / "worker_pool_specs"
        var pools: [JSONValue] = []
        for (index, pool) in (spec.removeValue(forKey: "worker_pool_specs")?.arrayValue ?? []).enumerated() {
            var pool = camelCased(pool).objectValue ?? [:]
            var container = pool["containerSpec"]?.objectValue ?? [:]
            if JSONValue.object(container).nonEmptyString("imageUri") == nil {
                problem(poolsPath.appending(index: index) / "container_spec" / "image_uri", "vertex-ai:push needs an image (job variable 'image')")
            }
            for key in ["command", "args"] {
                switch container[key] ?? .null {
                case .string(let text) where !text.isEmpty:
                    guard let words = CommandWords.split(text) else {
                        problem(poolsPath.appending(index: index) / "container_spec" / key, "\(key) has an unbalanced quote")
                        continue
                    }
                    container[key] = .array(words.map(JSONValue.string))
                case .array(let items) where !items.isEmpty: container[key] = .array(items)
                default: container[key] = key == "command" ? .array(CloudRunJobSpec.defaultCommand.map(JSONValue.string)) : nil
                }
            }
            var env = container["env"]?.arrayValue ?? []
            for (name, value) in (configuration["env"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) where !value.isNull {
                env.append(["name": .string(name), "value": .string(value.stringValue ?? value.pythonText)])
            }
            container["env"] = env.isEmpty ? nil : .array(env)
            pool["containerSpec"] = .object(container)
            pool["machineSpec"] = withoutBlanks(pool["machineSpec"])
            pool["diskSpec"] = withoutBlanks(pool["diskSpec"])
            // int64 is a string in Google's JSON.
            if let count = pool["replicaCount"]?.intValue { pool["replicaCount"] = .string("\(count)") }
            pools.append(.object(pool.filter { !$0.value.isNull }))
        }
        if pools.isEmpty { problem(poolsPath, "job_spec needs at least one worker pool spec") }

        var body: [String: JSONValue] = [:]
        var jobSpec: [String: JSONValue] = ["workerPoolSpecs": .array(pools)]
        var scheduling = withoutBlanks(camelCased(spec.removeValue(forKey: "scheduling") ?? .null))?.objectValue ?? [:]
        if let hours = spec.removeValue(forKey: "maximum_run_time_hours"), let value = hours.doubleValue {
            let seconds = value * 3600
            scheduling["timeout"] = .string(seconds == seconds.rounded() ? "\(Int64(seconds))s" : "\(JSONValue.formatDouble(seconds))s")
        }
        if !scheduling.isEmpty { jobSpec["scheduling"] = .object(scheduling) }
        if let account = spec.removeValue(forKey: "service_account_name"), !account.isBlankValue { jobSpec["serviceAccount"] = account }
        for (key, value) in camelCased(.object(spec)).objectValue ?? [:] where !value.isBlankValue {
            jobSpec[key] = value
        }
        body["jobSpec"] = .object(jobSpec)
        body["displayName"] = .string(configuration.nonEmptyString("name") ?? job.idempotencyKey)
        var labels = CloudRunJobSpec.sanitisedLabels(configuration["labels"]?.objectValue ?? [:])
        let runID = ResourceNames.gcpLabel(job.runID, isKey: false)
        labels["pushgate-run-id"] = .string(runID)
        labels["pushgate-attempt"] = .string("\(job.attempt)")
        body["labels"] = .object(labels)

        guard problems.isEmpty, let project, let region else { return .failure(TemplateError(problems)) }
        return .success(
            VertexCustomJobSpec(
                project: project,
                region: region,
                body: .object(body),
                filter: "labels.pushgate-run-id=\"\(runID)\" AND labels.pushgate-attempt=\"\(job.attempt)\""
            )
        )
    }

    /// Keys from snake_case to lowerCamelCase, recursively (`image_uri` → `imageUri`); what Prefect's
    /// proto classes do when they serialise to REST JSON.
    static func camelCased(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                let parts = key.split(separator: "_")
                let name = (parts.first.map(String.init) ?? "") + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
                out[name] = camelCased(member)
            }
            return .object(out)
        case .array(let items): return .array(items.map(camelCased))
        default: return value
        }
    }

    /// An object without null or blank members (an unset accelerator), nil when nothing is left.
    static func withoutBlanks(_ value: JSONValue?) -> JSONValue? {
        guard let members = value?.objectValue?.filter({ !$0.value.isBlankValue }), !members.isEmpty else { return nil }
        return .object(members)
    }
}
