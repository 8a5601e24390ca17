extension BaseJobTemplate {
    /// Problems that make this template unusable for `type`: a required `job_configuration` key is absent.
    package func problems(for type: ProviderType) -> [TemplateProblem] {
        let configuration = jobConfiguration.objectValue ?? [:]
        return type.requiredConfigurationKeys.filter { configuration[$0] == nil }.map { key in
            TemplateProblem(
                .providerRequirement,
                file: file,
                path: .root / "job_configuration",
                "\(type.kind.rawValue) needs 'job_configuration.\(key)', which is missing"
            )
        }
    }
}
