extension BaseJobTemplate {
    /// Which layer a job-variable object came from, and how to name it in problem reports.
    package struct VariableSource: Sendable {
        package var values: JSONValue?
        package var name: String
        package init(_ values: JSONValue?, name: String) {
            self.values = values
            self.name = name
        }
    }

    /// The merged variables for a deployment and a run (no validation).
    package func mergedVariables(deployment: JSONValue?, run: JSONValue?) -> [String: JSONValue] {
        JobVariableMerge.merge(
            defaults: JobVariableMerge.defaults(of: variables),
            deployment: deployment?.objectValue ?? [:],
            run: run?.objectValue ?? [:])
    }

    /// Problems with a deployment's and a run's job variables: each must be an object; deployment values
    /// are checked merged over the defaults with `required` ignored, run values merged over both, with
    /// `required` enforced when `requireAll` (run creation). A problem is reported against the layer that
    /// supplied the offending variable. Block and Prefect-variable placeholders in values are refused:
    /// pushgate has nothing to resolve them with.
    package func validateJobVariables(
        deployment: VariableSource, run: VariableSource, requireAll: Bool
    ) -> [TemplateProblem] {
        mergeAndValidate(deployment: deployment, run: run, requireAll: requireAll).problems
    }

    /// The merged variables (nil when a layer is not an object) and every problem with them; one merge
    /// serves both the validation and the render.
    private func mergeAndValidate(
        deployment: VariableSource, run: VariableSource, requireAll: Bool
    ) -> (merged: [String: JSONValue]?, problems: [TemplateProblem]) {
        var problems: [TemplateProblem] = []
        for source in [deployment, run] {
            guard let values = source.values else { continue }
            guard values.objectValue != nil else {
                problems.append(TemplateProblem(.invalidValue, file: source.name, path: .root, "job variables must be a JSON object, got \(values.typeName)"))
                continue
            }
            problems += forbiddenPlaceholders(in: values, file: source.name)
        }
        if !problems.isEmpty { return (nil, problems) }
        // Defaults were validated with the template; only what each layer supplies is checked here, merged
        // with what lies below it (so a partial `env` is checked as the merged env).
        let defaults = variables.defaults
        let deploymentValues = JobVariableMerge.expandDottedKeys(deployment.values?.objectValue ?? [:])
        let runValues = JobVariableMerge.expandDottedKeys(run.values?.objectValue ?? [:])
        if !deploymentValues.isEmpty {
            let withDeployment = JobVariableMerge.merge(defaults: defaults, deployment: deploymentValues, run: [:])
            problems += variables.validateVariables(withDeployment.filter { deploymentValues[$0.key] != nil }, requireAll: false, file: deployment.name)
        }
        let merged = JobVariableMerge.merge(defaults: defaults, deployment: deploymentValues, run: runValues)
        if requireAll { problems += variables.missingRequired(in: merged, file: run.name) }
        if !runValues.isEmpty {
            problems += variables.validateVariables(merged.filter { runValues[$0.key] != nil }, requireAll: false, file: run.name)
        }
        return (merged, problems)
    }

    private func forbiddenPlaceholders(in values: JSONValue, file: String) -> [TemplateProblem] {
        // Most variables hold no "{{" at all: check that first, without building paths.
        func mayHold(_ value: JSONValue) -> Bool {
            switch value {
            case .string(let text):
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
                    problems.append(TemplateProblem(.forbiddenPlaceholder, file: file, path: path,
                        "'\(placeholder.fullMatch)' cannot be resolved: pushgate has no Prefect block or variable store"))
                }
            case .array(let items): for (i, item) in items.enumerated() { visit(item, path.appending(index: i)) }
            case .object(let members): for key in members.keys.sorted() { visit(members[key]!, path / key) }
            default: break
            }
        }
        visit(values, .root)
        return problems
    }

    /// Prefect's `apply_values` of `job_configuration` with the merged variables, plus the top-level
    /// `env` rule of prefect-semantics.md §2.3 (a literal `env` dict is the lowest env layer; a non-empty
    /// default env replaces an `env` placeholder with the merged dict). No validation: see ``render(deployment:run:requireAll:)``.
    package func render(merged: [String: JSONValue]) -> JSONValue {
        guard case .object(var output)? = compiled.render(merged) else { return .object([:]) }
        let defaultEnv = variables.properties["env"]?["default"]?.objectValue ?? [:]
        let literalEnv: [String: JSONValue]? = {
            if case .object = jobConfiguration["env"], case .object(let rendered)? = output["env"] { return rendered }
            return nil
        }()
        if !defaultEnv.isEmpty || literalEnv != nil, case .object(let mergedEnv)? = merged["env"] {
            output["env"] = .object((literalEnv ?? [:]).merging(mergedEnv) { _, new in new })
        }
        return .object(output)
    }

    /// Validates the job variables and renders: what `pushgate render` prints.
    package func render(deployment: VariableSource, run: VariableSource, requireAll: Bool = true) throws(TemplateError) -> JSONValue {
        let (merged, problems) = mergeAndValidate(deployment: deployment, run: run, requireAll: requireAll)
        guard let merged, problems.isEmpty else { throw TemplateError(problems) }
        return render(merged: merged)
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
