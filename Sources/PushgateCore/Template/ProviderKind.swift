/// The serverless providers pushgate submits to, named by Prefect's work-pool types.
package enum ProviderKind: String, Sendable, CaseIterable {
    case ecs = "ecs:push"
    case cloudRunV2 = "cloud-run-v2:push"
    case azureContainerInstance = "azure-container-instance:push"
    case modal = "modal:push"

    /// Accepts the push type (`ecs:push`) and the worker type it derives from (`ecs`).
    package init?(poolType: String) {
        let base = poolType.hasSuffix(":push") ? String(poolType.dropLast(5)) : poolType
        guard let kind = ProviderKind(rawValue: base + ":push") else { return nil }
        self = kind
    }

    /// The default base job template shipped in `templates/`.
    package var defaultTemplateFileName: String {
        rawValue.replacingOccurrences(of: ":", with: "-") + ".json"
    }

    /// `job_configuration` keys this provider builds its requests from; `pushgate validate --type`
    /// requires them, since a template without them cannot produce a submission.
    package var requiredConfigurationKeys: [String] {
        switch self {
        case .ecs: return ["task_definition", "task_run_request"]
        case .cloudRunV2: return ["job_body", "region"]
        case .azureContainerInstance: return ["arm_template", "resource_group_name", "subscription_id"]
        case .modal: return ["image", "command"]
        }
    }

    package static var supportedTypes: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension BaseJobTemplate {
    /// Problems that make this template unusable for `kind`: a required `job_configuration` key is absent.
    package func problems(for kind: ProviderKind) -> [TemplateProblem] {
        let configuration = jobConfiguration.objectValue ?? [:]
        return kind.requiredConfigurationKeys.filter { configuration[$0] == nil }.map { key in
            TemplateProblem(.providerRequirement, file: file, path: .root / "job_configuration",
                "\(kind.rawValue) needs 'job_configuration.\(key)', which is missing")
        }
    }
}
