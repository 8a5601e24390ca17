import Foundation
import PushgateCore

/// A pool's base job template as the pool, deployment and run commands check it: before a pool stores
/// it, and against the job variables a deployment or run sets.
enum PoolTemplate {
    /// Loads and validates a pool's base job template: `file`, or the type's default from ``DefaultTemplates``.
    /// Returns the canonical JSON text to store.
    static func load(file: String?, type: ProviderType, _ context: CommandContext) throws -> String {
        let path = try file ?? DefaultTemplates.path(for: type.kind, context)
        let data = try JSONArgument.readFile(path, limit: BaseJobTemplate.maxBytes)
        let template: BaseJobTemplate
        do {
            template = try BaseJobTemplate(data: data, file: path)
        } catch {
            throw InputError(problems: error.problems, what: "invalid template")
        }
        let problems = template.problems(for: type)
        if !problems.isEmpty { throw InputError(problems: problems, what: "template does not fit \(type.kind.rawValue)") }
        return template.document.serialized()
    }

    /// Checks deployment and run job variables against the pool's template (run creation requires every
    /// required variable to be set by then).
    static func validateJobVariables(
        pool: WorkPool,
        deployment: (value: JSONValue?, source: String),
        run: (value: JSONValue?, source: String)?
    ) throws {
        let template: BaseJobTemplate
        do {
            template = try BaseJobTemplate(data: Data(pool.baseJobTemplate.utf8), file: "pool '\(pool.name)' template")
        } catch {
            throw InputError(problems: error.problems, what: "pool '\(pool.name)' has an invalid template")
        }
        let problems = template.validateJobVariables(
            deployment: .init(deployment.value, name: deployment.source),
            run: .init(run?.value, name: run?.source ?? "run"),
            requireAll: run != nil,
            undeclared: pool.undeclaredVariables
        )
        if !problems.isEmpty { throw InputError(problems: problems, what: "invalid job variables") }
    }
}
