import Foundation
import PushgateCore
import Synchronization

/// What the dispatcher and the poller both need to turn a pool's runs into submission jobs: the pool's
/// parsed template, cached until the pool changes (parsing one costs about half a millisecond), and the
/// runs' deployments, read in one query per pool and pass.
package final class PoolContext: Sendable {
    private let store: any Store
    private let templates = Mutex<[String: (updatedAt: Date, template: BaseJobTemplate)]>([:])
    /// Earlier template versions, which never change, by pool name and version.
    private let olderTemplates = Mutex<[String: [Int: BaseJobTemplate]]>([:])

    package init(store: any Store) { self.store = store }

    /// The pool's template, parsed once per version of the pool (its `updatedAt`).
    package func template(for pool: WorkPool) throws(TemplateError) -> BaseJobTemplate {
        if let cached = templates.withLock({ $0[pool.name] }), cached.updatedAt == pool.updatedAt { return cached.template }
        let template = try BaseJobTemplate(data: Data(pool.baseJobTemplate.utf8), file: "pool '\(pool.name)' template")
        templates.withLock { $0[pool.name] = (pool.updatedAt, template) }
        return template
    }

    /// The template version a run was submitted with (docs/design.md "Enforced interfaces"): what its
    /// cancel, status and clean-up calls re-render with, so a template update never changes where the
    /// gateway looks for a workload already running. The current one when `version` is nil or current.
    package func template(for pool: WorkPool, version: Int?) async throws -> BaseJobTemplate {
        guard let version, version != pool.templateVersion else { return try template(for: pool) }
        if let cached = olderTemplates.withLock({ $0[pool.name]?[version] }) { return cached }
        let text = try await store.poolTemplate(pool: pool.name, version: version)
        let template = try BaseJobTemplate(data: Data(text.utf8), file: "pool '\(pool.name)' template version \(version)")
        olderTemplates.withLock { $0[pool.name, default: [:]][version] = template }
        return template
    }

    /// The deployments of `runs` by name: the pool's in one query, then any other one by name (a
    /// deployment that moved to another pool keeps its runs). A deleted deployment is absent.
    package func deployments(of runs: [FlowRun], in pool: WorkPool) async -> [String: Deployment] {
        let names = Set(runs.map(\.deploymentName))
        guard !names.isEmpty else { return [:] }
        var found: [String: Deployment] = [:]
        for deployment in (try? await store.deployments(pool: pool.name)) ?? [] where names.contains(deployment.name) {
            found[deployment.name] = deployment
        }
        for name in names where found[name] == nil {
            found[name] = try? await store.deployment(named: name)
        }
        return found
    }
}
