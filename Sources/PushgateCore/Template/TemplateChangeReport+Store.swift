import Foundation

extension TemplateChangeReport {
    /// What replacing `pool`'s template with `text` would break: its deployments and its runs not yet
    /// submitted (Scheduled, Late, or claimed without a provider handle), checked under the pool's
    /// undeclared-variables rule. Throws the template's own problems when `text` is not a valid template.
    package static func check(_ text: String, file: String, for pool: WorkPool, in store: any Store) async throws -> TemplateChangeReport {
        let template = try BaseJobTemplate(data: Data(text.utf8), file: file)
        let deployments = try await store.deployments(pool: pool.name)
        let runs = try await store.runs(FlowRunFilter(states: [.scheduled, .late, .pending], poolName: pool.name, limit: Int.max))
        return TemplateChangeReport(
            template: template,
            deployments: deployments,
            runs: runs.filter { $0.providerHandle == nil },
            undeclared: pool.undeclaredVariables
        )
    }
}
