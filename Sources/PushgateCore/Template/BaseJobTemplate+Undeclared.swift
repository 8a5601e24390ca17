/// Undeclared job variables (docs/design.md "Enforced interfaces"): Prefect drops a variable its
/// schema does not declare without a word, so a typo (`imagee`) silently loses the value; pushgate
/// names it instead, with the declared name it was probably meant to be.
extension BaseJobTemplate {
    /// ``validateJobVariables(deployment:run:requireAll:)`` plus, when `undeclared` is `.refuse`, a
    /// problem for every top-level variable of either layer the schema does not declare. Nested objects
    /// are checked as deep as the schema declares them (`additionalProperties: false`).
    package func validateJobVariables(
        deployment: VariableSource,
        run: VariableSource,
        requireAll: Bool,
        undeclared: UndeclaredVariables
    ) -> [TemplateProblem] {
        var problems = validateJobVariables(deployment: deployment, run: run, requireAll: requireAll)
        if undeclared == .refuse { problems += undeclaredVariables(in: deployment) + undeclaredVariables(in: run) }
        return problems
    }

    /// ``render(deployment:run:requireAll:)`` after refusing undeclared variables when `undeclared` is
    /// `.refuse` (with every other problem of the variables reported beside them): what `render` and
    /// `dry-run` print, checked as a pool's entry points check.
    package func render(deployment: VariableSource, run: VariableSource, undeclared: UndeclaredVariables) throws(TemplateError) -> JSONValue {
        if undeclared == .refuse, !(undeclaredVariables(in: deployment) + undeclaredVariables(in: run)).isEmpty {
            throw TemplateError(validateJobVariables(deployment: deployment, run: run, requireAll: true, undeclared: .refuse))
        }
        return try render(deployment: deployment, run: run)
    }

    /// The layer's top-level variables (dotted keys by their first part) that the schema does not declare.
    package func undeclaredVariables(in source: VariableSource) -> [TemplateProblem] {
        guard let members = (try? source.value())??.objectValue else { return [] }
        let declared = variables.properties.keys.sorted()
        return JobVariableMerge.expandDottedKeys(members).keys.sorted().filter { variables.properties[$0] == nil }.map { name in
            TemplateProblem(
                .undeclaredVariable,
                file: source.name,
                path: .root / name,
                "'\(name)' is not declared in the template's variables\(Self.suggestion(for: name, among: declared)); undeclared job variables are "
                    + "refused (--allow-undeclared-variables drops them, as Prefect does)"
            )
        }
    }

    /// " (did you mean 'x'?)" for the closest declared name within a third of the name's length in edits
    /// (at least one), or a name that differs only in case; empty when none is close.
    static func suggestion(for name: String, among declared: [String]) -> String {
        if let same = declared.first(where: { $0.lowercased() == name.lowercased() }) { return " (did you mean '\(same)'?)" }
        let limit = max(1, name.count / 3)
        let best = declared.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= limit }.min { $0.1 < $1.1 }
        return best.map { " (did you mean '\($0.0)'?)" } ?? ""
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
