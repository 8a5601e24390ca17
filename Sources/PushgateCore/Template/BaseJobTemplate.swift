import Foundation

/// A Prefect base job template: `{"job_configuration": {...}, "variables": <JSON Schema>}`
/// (docs/prefect-semantics.md §1.1), parsed and structurally validated, with its `job_configuration`
/// compiled for rendering.
package struct BaseJobTemplate: Sendable {
    /// Templates larger than this are refused before parsing.
    package static let maxBytes = 1 << 20
    /// Nesting deeper than this is refused while parsing.
    package static let maxDepth = 64

    /// Where the template came from, for problem reports.
    package let file: String
    package let jobConfiguration: JSONValue
    package let variables: VariableSchema
    /// The job variables by number, for the per-submission merge, validation and render.
    let slots: JobVariableSlots
    let compiled: CompiledTemplate
    /// `job_configuration.env` is a literal object (the lowest env layer, docs/prefect-semantics.md §2.3).
    let envIsLiteralObject: Bool
    /// The `env` variable has a non-empty default object.
    let hasDefaultEnv: Bool

    /// Parses and validates `data`; throws ``TemplateError`` with every problem found.
    package init(data: Data, file: String) throws(TemplateError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(data, limits: JSONParserLimits(maxDepth: BaseJobTemplate.maxDepth, maxBytes: BaseJobTemplate.maxBytes))
        } catch {
            throw TemplateError([BaseJobTemplate.problem(for: error, file: file)])
        }
        try self.init(document: document, file: file)
    }

    /// Validates an already parsed template document.
    package init(document: JSONValue, file: String) throws(TemplateError) {
        let problems = BaseJobTemplate.check(document, file: file)
        if !problems.isEmpty { throw TemplateError(problems) }
        self.file = file
        jobConfiguration = document["job_configuration"]!
        variables = VariableSchema(document["variables"]!)
        slots = JobVariableSlots(variables)
        compiled = CompiledTemplate(jobConfiguration, slots: slots.index)
        if case .object? = jobConfiguration["env"] { envIsLiteralObject = true } else { envIsLiteralObject = false }
        hasDefaultEnv = !(variables.properties["env"]?["default"]?.objectValue ?? [:]).isEmpty
    }

    /// The template as a document again.
    package var document: JSONValue {
        .object(["job_configuration": jobConfiguration, "variables": variables.schema])
    }

    static func problem(for error: JSONParseError, file: String) -> TemplateProblem {
        let code: TemplateProblem.Code
        switch error.code {
        case .syntax, .invalidUTF8: code = .malformedJSON
        case .tooDeep: code = .tooDeep
        case .tooLarge: code = .tooLarge
        }
        return TemplateProblem(code, file: file, line: error.line, column: error.column, error.message)
    }
}
