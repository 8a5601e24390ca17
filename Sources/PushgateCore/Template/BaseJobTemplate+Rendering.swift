extension BaseJobTemplate {
    /// One layer of job variables (a deployment's or a run's) in the form its caller has, and how to name
    /// it in problem reports: parsed, or JSON text as stored, which the render reads straight into slots
    /// when it can (``applyJSON(_:to:validate:)``), so callers with text keep that fast path.
    package struct VariableSource: Sendable {
        enum Form: Sendable {
            case value(JSONValue?)
            case text(String)
        }

        let form: Form
        package let name: String

        /// Parsed variables; nil: none.
        package init(_ values: JSONValue?, name: String) {
            form = .value(values)
            self.name = name
        }

        /// Variables as JSON text; nil or empty: none. Malformed text is a problem of `name`.
        package init(json text: String?, name: String) {
            if let text, !text.isEmpty { form = .text(text) } else { form = .value(nil) }
            self.name = name
        }

        var isText: Bool {
            if case .text = form { return true }
            return false
        }

        /// The variables as a value, text parsed (malformed text is a problem of ``name``).
        func value() throws(TemplateError) -> JSONValue? {
            switch form {
            case .value(let values): return values
            case .text(let text):
                do {
                    return try JSONValue.parse(text)
                } catch {
                    throw TemplateError([TemplateProblem(.malformedJSON, file: name, line: error.line, column: error.column, error.message)])
                }
            }
        }

        /// The same layer parsed.
        func parsed() throws(TemplateError) -> VariableSource { VariableSource(try value(), name: name) }
    }

    /// Merges the job variables, validates them and renders: what every submission sends
    /// (``SubmissionPlan``) and `pushgate render` prints. Valid variables take the slot path (merge by
    /// number, conformance predicate, render by number); text it cannot read straight (a dotted or
    /// repeated key, say) is parsed and takes it again; anything else takes
    /// ``renderByDictionaries(deployment:run:requireAll:)``, which reports every problem. Deployment
    /// values are checked merged over the defaults with `required` ignored, run values merged over both,
    /// with `required` enforced when `requireAll` (see ``validateJobVariables(deployment:run:requireAll:)``).
    package func render(deployment: VariableSource, run: VariableSource, requireAll: Bool = true) throws(TemplateError) -> JSONValue {
        if let values = mergeBySlots(deployment: deployment, run: run, validate: true, requireAll: requireAll) { return render(slots: values) }
        if deployment.isText || run.isText {
            return try render(deployment: try deployment.parsed(), run: try run.parsed(), requireAll: requireAll)
        }
        return try renderByDictionaries(deployment: deployment, run: run, requireAll: requireAll)
    }

    /// Merge and render without validating: what Prefect's worker does (`json.loads`,
    /// `resolve_for_flow_run`, then `apply_values`), and so the like-for-like figure of
    /// `pushgate-bench render`. The same slot path as ``render(deployment:run:requireAll:)``; only
    /// malformed JSON text is refused, and a layer that is not an object counts as empty.
    package func renderWithoutValidation(deployment: VariableSource, run: VariableSource) throws(TemplateError) -> JSONValue {
        if let values = mergeBySlots(deployment: deployment, run: run, validate: false, requireAll: false) { return render(slots: values) }
        return try renderWithoutValidation(deployment: try deployment.parsed(), run: try run.parsed())
    }

    /// Problems with a deployment's and a run's job variables: each must be an object; deployment values
    /// are checked merged over the defaults with `required` ignored, run values merged over both, with
    /// `required` enforced when `requireAll` (run creation). A problem is reported against the layer that
    /// supplied the offending variable. Block and Prefect-variable placeholders in values are refused:
    /// pushgate has nothing to resolve them with.
    package func validateJobVariables(
        deployment: VariableSource,
        run: VariableSource,
        requireAll: Bool
    ) -> [TemplateProblem] {
        if mergeBySlots(deployment: deployment, run: run, validate: true, requireAll: requireAll) != nil { return [] }
        do {
            return try mergeAndValidate(deployment: deployment, run: run, requireAll: requireAll).problems
        } catch {
            return error.problems
        }
    }

    /// The merged values by slot (defaults, then each layer); with `validate`, nil when any check of
    /// ``mergeAndValidate(deployment:run:requireAll:)`` would report a problem (the same layers, order and
    /// rules, as predicates), and with `requireAll` when a required variable has no value. Without
    /// `validate`, nil only for text the slot merge cannot read straight.
    private func mergeBySlots(deployment: VariableSource, run: VariableSource, validate: Bool, requireAll: Bool) -> [JSONValue?]? {
        var values = slots.defaults
        // Each supplied variable is checked merged with what lies below it, right after its layer sets it.
        guard apply(deployment, to: &values, validate: validate), apply(run, to: &values, validate: validate) else { return nil }
        if requireAll {
            for slot in slots.mustHaveValue where values[slot] == nil { return nil }
        }
        return values
    }

    /// One layer over `values`: text straight from its bytes, a value with dotted keys expanded. With
    /// `validate`, false when it is not an object, holds a forbidden placeholder or a variable that does
    /// not conform; without, a value that is not an object counts as empty.
    private func apply(_ source: VariableSource, to values: inout [JSONValue?], validate: Bool) -> Bool {
        switch source.form {
        case .text(let text): return applyJSON(text, to: &values, validate: validate)
        case .value(nil): return true
        case .value(let layer?):
            guard case .object(let members) = layer else { return !validate }
            if validate, !BaseJobTemplate.forbiddenPlaceholders(in: layer, file: source.name).isEmpty { return false }
            return apply(JobVariableMerge.expandDottedKeys(members), to: &values, validate: validate)
        }
    }

    /// One merge layer over `values` (``JobVariableMerge/merge(defaults:deployment:run:)`` by slot): each
    /// variable replaced whole, an object `env` over an object `env` merged key by key; names without a
    /// slot are dropped. With `validate`, false as soon as a set variable does not conform.
    func apply(_ layer: [String: JSONValue], to values: inout [JSONValue?], validate: Bool) -> Bool {
        for (name, value) in layer {
            guard let slot = slots.index[name] else { continue }
            if !apply(value, to: &values, slot: slot, validate: validate) { return false }
        }
        return true
    }

    /// One variable of a layer into its slot; with `validate`, false when the merged value does not conform.
    func apply(_ value: JSONValue, to values: inout [JSONValue?], slot: Int, validate: Bool) -> Bool {
        if slot == slots.env, case .object(var below)? = values[slot], case .object(let above) = value {
            values[slot] = nil  // `below` is then the only reference to a layer's own env, merged in place
            below.merge(above) { _, new in new }
            values[slot] = .object(below)
        } else {
            values[slot] = value
        }
        guard validate, let node = slots.schemas[slot] else { return true }
        return variables.conforms(values[slot]!, variable: node, isRequired: slots.isRequired[slot], isBlock: slots.isBlock[slot])
    }

    /// The merged variables (nil when a layer is not an object) and every problem with them; one merge
    /// serves both the validation and the render.
    private func mergeAndValidate(
        deployment: VariableSource,
        run: VariableSource,
        requireAll: Bool
    ) throws(TemplateError) -> (merged: [String: JSONValue]?, problems: [TemplateProblem]) {
        let deploymentLayer = try deployment.value()
        let runLayer = try run.value()
        var problems: [TemplateProblem] = []
        for (values, source) in [(deploymentLayer, deployment), (runLayer, run)] {
            guard let values else { continue }
            guard values.objectValue != nil else {
                problems.append(
                    TemplateProblem(.invalidValue, file: source.name, path: .root, "job variables must be a JSON object, got \(values.typeName)")
                )
                continue
            }
            problems += BaseJobTemplate.forbiddenPlaceholders(in: values, file: source.name)
        }
        if !problems.isEmpty { return (nil, problems) }
        // Defaults were validated with the template; only what each layer supplies is checked here, merged
        // with what lies below it (so a partial `env` is checked as the merged env).
        let defaults = variables.defaults
        let deploymentValues = JobVariableMerge.expandDottedKeys(deploymentLayer?.objectValue ?? [:])
        let runValues = JobVariableMerge.expandDottedKeys(runLayer?.objectValue ?? [:])
        if !deploymentValues.isEmpty {
            let withDeployment = JobVariableMerge.merge(defaults: defaults, deployment: deploymentValues, run: [:])
            problems += variables.validateVariables(
                withDeployment.filter { deploymentValues[$0.key] != nil },
                requireAll: false,
                file: deployment.name
            )
        }
        let merged = JobVariableMerge.merge(defaults: defaults, deployment: deploymentValues, run: runValues)
        if requireAll { problems += variables.missingRequired(in: merged, file: run.name) }
        if !runValues.isEmpty {
            problems += variables.validateVariables(merged.filter { runValues[$0.key] != nil }, requireAll: false, file: run.name)
        }
        return (merged, problems)
    }

    static func forbiddenPlaceholders(in values: JSONValue, file: String) -> [TemplateProblem] {
        // Most variables hold no "{{" at all: check that first, without building paths.
        func mayHold(_ value: JSONValue) -> Bool {
            switch value {
            case .string(let text):
                func holds(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
                    guard bytes.count > 1 else { return false }
                    for i in 1..<bytes.count where bytes[i] == UInt8(ascii: "{") && bytes[i - 1] == UInt8(ascii: "{") { return true }
                    return false
                }
                if let found = text.utf8.withContiguousStorageIfAvailable(holds) { return found }
                var previous: UInt8 = 0
                for byte in text.utf8 {
                    if byte == UInt8(ascii: "{") && previous == byte { return true }
                    previous = byte
                }
                return false
            case .array(let items): return items.contains(where: mayHold)
            case .object(let members): return members.values.contains(where: mayHold)
            default: return false
            }
        }
        guard mayHold(values) else { return [] }
        var problems: [TemplateProblem] = []
        func visit(_ value: JSONValue, _ path: JSONPath) {
            switch value {
            case .string(let text):
                for placeholder in Placeholder.scan(text) where placeholder.kind == .blockDocument || placeholder.kind == .variable {
                    problems.append(
                        TemplateProblem(
                            .forbiddenPlaceholder,
                            file: file,
                            path: path,
                            "'\(placeholder.fullMatch)' cannot be resolved: pushgate has no Prefect block or variable store"
                        )
                    )
                }
            case .array(let items): for (i, item) in items.enumerated() { visit(item, path.appending(index: i)) }
            case .object(let members): for key in members.keys.sorted() { visit(members[key]!, path / key) }
            default: break
            }
        }
        visit(values, .root)
        return problems
    }

    /// The render of the variables merged by slot (see ``JobVariableSlots``): Prefect's `apply_values` of
    /// `job_configuration`, plus the top-level `env` rule of docs/prefect-semantics.md §2.3 (a literal `env`
    /// dict is the lowest env layer; a non-empty default env replaces an `env` placeholder with the
    /// merged dict).
    func render(slots values: [JSONValue?]) -> JSONValue {
        guard case .object(var output)? = compiled.render(slots: values) else { return .object([:]) }
        let literalEnv: [String: JSONValue]? = envIsLiteralObject ? output["env"]?.objectValue : nil
        if hasDefaultEnv || literalEnv != nil, case .object(let mergedEnv)? = values[slots.env] {
            output["env"] = .object((literalEnv ?? [:]).merging(mergedEnv) { _, new in new })
        }
        return .object(output)
    }
}

/// The straightforward path over name-keyed dictionaries: what reports problems, and the reference the
/// slot path is tested against (internal: the tests reach it with `@testable import`).
extension BaseJobTemplate {
    /// Validates and renders as ``render(deployment:run:requireAll:)`` does, by dictionaries.
    func renderByDictionaries(deployment: VariableSource, run: VariableSource, requireAll: Bool = true) throws(TemplateError) -> JSONValue {
        let (merged, problems) = try mergeAndValidate(deployment: deployment, run: run, requireAll: requireAll)
        guard let merged, problems.isEmpty else { throw TemplateError(problems) }
        return render(merged: merged)
    }

    /// The merged variables for a deployment and a run (no validation; a layer that is not an object
    /// counts as empty).
    func mergedVariables(deployment: JSONValue?, run: JSONValue?) -> [String: JSONValue] {
        JobVariableMerge.merge(
            defaults: JobVariableMerge.defaults(of: variables),
            deployment: deployment?.objectValue ?? [:],
            run: run?.objectValue ?? [:]
        )
    }

    /// ``render(slots:)`` with the variables by name.
    func render(merged: [String: JSONValue]) -> JSONValue {
        guard case .object(var output)? = compiled.render(merged) else { return .object([:]) }
        let literalEnv: [String: JSONValue]? = envIsLiteralObject ? output["env"]?.objectValue : nil
        if hasDefaultEnv || literalEnv != nil, case .object(let mergedEnv)? = merged["env"] {
            output["env"] = .object((literalEnv ?? [:]).merging(mergedEnv) { _, new in new })
        }
        return .object(output)
    }
}

extension TemplateProblem {
    /// The top-level variable a job-variable problem is about (the first path key).
    var rootVariable: String {
        if case .key(let name)? = path?.components.first { return name }
        return ""
    }
}

extension JSONValue {
    /// The submitted form of a rendered configuration: `env` entries whose value is null are dropped and
    /// the rest become strings (Prefect's `prepare_for_flow_run` and pydantic's `str(v)` coercion).
    package func preparedForSubmission() -> JSONValue {
        guard case .object(var members) = self, case .object(let env)? = members["env"] else { return self }
        var prepared: [String: JSONValue] = [:]
        for (key, value) in env where value != .null { prepared[key] = .string(value.pythonText) }
        members["env"] = .object(prepared)
        return .object(members)
    }
}
