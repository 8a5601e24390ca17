import Foundation

extension BaseJobTemplate {
    /// Every problem in a template document: Prefect's server checks (docs/prefect-semantics.md §1.2) plus
    /// pushgate's own: special placeholders are refused in `job_configuration` even when declared, a
    /// `$ref` must resolve, and the schema must use known types.
    static func check(_ document: JSONValue, file: String) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        guard let top = document.objectValue else {
            return [TemplateProblem(.structure, file: file, path: .root, "a base job template must be a JSON object, got \(document.typeName)")]
        }
        let jobConfiguration = top["job_configuration"]
        let variables = top["variables"]
        switch jobConfiguration {
        case nil: problems.append(TemplateProblem(.structure, file: file, path: .root, "missing 'job_configuration'"))
        case .object(let members)? where members.isEmpty:
            problems.append(TemplateProblem(.structure, file: file, path: .root / "job_configuration", "'job_configuration' must not be empty"))
        case .object?: break
        case let other?:
            problems.append(TemplateProblem(.structure, file: file, path: .root / "job_configuration", "expected an object, got \(other.typeName)"))
        }
        switch variables {
        case nil: problems.append(TemplateProblem(.structure, file: file, path: .root, "missing 'variables'"))
        case .object(let members)? where members.isEmpty:
            problems.append(TemplateProblem(.structure, file: file, path: .root / "variables", "'variables' must not be empty"))
        case .object?: break
        case let other?:
            problems.append(TemplateProblem(.structure, file: file, path: .root / "variables", "expected an object, got \(other.typeName)"))
        }
        for key in top.keys.sorted() where key != "job_configuration" && key != "variables" {
            problems.append(TemplateProblem(.structure, file: file, path: .root / key, "unknown top-level key '\(key)'"))
        }
        guard case .object? = variables, case .object(let varsObject)? = variables, !varsObject.isEmpty else { return problems }
        let schema = VariableSchema(variables!)
        problems += checkSchema(schema, file: file)
        if case .object(let members)? = jobConfiguration, !members.isEmpty {
            problems += checkPlaceholders(jobConfiguration!, schema: schema, file: file)
        }
        problems += checkDefaults(schema, file: file)
        return problems
    }

    /// Every placeholder in values and keys of `job_configuration` must be a declared variable, and none
    /// may be of the `$ENV`, `prefect.blocks.*` or `prefect.variables.*` kinds.
    private static func checkPlaceholders(_ configuration: JSONValue, schema: VariableSchema, file: String) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        func visitString(_ text: String, at path: JSONPath, isKey: Bool) {
            for placeholder in Placeholder.scan(text) {
                let place = isKey ? "in the key \(JSONValue.string(text).serialized())" : ""
                switch placeholder.kind {
                case .environment:
                    problems.append(
                        TemplateProblem(
                            .forbiddenPlaceholder,
                            file: file,
                            path: path,
                            "environment placeholder '\(placeholder.fullMatch)' \(place)is not allowed: pushgate never reads its own environment; declare a variable instead"
                                .replacingOccurrences(of: "  ", with: " ")
                        )
                    )
                case .blockDocument:
                    problems.append(
                        TemplateProblem(
                            .forbiddenPlaceholder,
                            file: file,
                            path: path,
                            "block placeholder '\(placeholder.fullMatch)' is not supported: pushgate has no block store; credentials come from the pool's credentials profile"
                        )
                    )
                case .variable:
                    problems.append(
                        TemplateProblem(
                            .forbiddenPlaceholder,
                            file: file,
                            path: path,
                            "Prefect variable placeholder '\(placeholder.fullMatch)' is not supported: pushgate has no variable store; declare a job variable instead"
                        )
                    )
                case .standard:
                    let root = ValuePath(placeholder.name).root
                    if schema.properties[root] == nil {
                        problems.append(
                            TemplateProblem(
                                .undeclaredPlaceholder,
                                file: file,
                                path: path,
                                "placeholder '\(placeholder.fullMatch)' \(isKey ? place + " " : "")uses undeclared variable '\(root)': declare it in variables.properties"
                            )
                        )
                    }
                }
            }
        }
        func visit(_ value: JSONValue, at path: JSONPath) {
            switch value {
            case .string(let text): visitString(text, at: path, isKey: false)
            case .array(let items): for (i, item) in items.enumerated() { visit(item, at: path.appending(index: i)) }
            case .object(let members):
                for key in members.keys.sorted() {
                    visitString(key, at: path / key, isKey: true)
                    visit(members[key]!, at: path / key)
                }
            default: break
            }
        }
        visit(configuration, at: .root / "job_configuration")
        return problems
    }

    /// The schema itself: known types, resolvable `$ref`s, well-formed keywords.
    private static func checkSchema(_ schema: VariableSchema, file: String) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        let base = JSONPath.root / "variables"
        func bad(_ path: JSONPath, _ message: String, _ code: TemplateProblem.Code = .invalidSchema) {
            problems.append(TemplateProblem(code, file: file, path: path, message))
        }
        if let type = schema.schema["type"], type != .string("object") {
            bad(base / "type", "the variables schema must have type \"object\", got \(type.serialized())")
        }
        if let properties = schema.schema["properties"], properties.objectValue == nil {
            bad(base / "properties", "expected an object of variable schemas, got \(properties.typeName)")
        }
        if let required = schema.schema["required"] {
            if let names = required.arrayValue {
                for (i, name) in names.enumerated() {
                    if let text = name.stringValue {
                        if schema.properties[text] == nil {
                            bad((base / "required").appending(index: i), "required variable '\(text)' is not declared in properties")
                        }
                    } else {
                        bad((base / "required").appending(index: i), "expected a variable name, got \(name.typeName)")
                    }
                }
            } else {
                bad(base / "required", "expected an array of names, got \(required.typeName)")
            }
        }
        func visit(_ node: JSONValue, at path: JSONPath, depth: Int) {
            guard depth < 32 else { return }
            if node.boolValue != nil { return }
            guard let object = node.objectValue else {
                bad(path, "expected a schema object, got \(node.typeName)")
                return
            }
            if let type = object["type"] {
                let names = type.arrayValue ?? [type]
                for name in names {
                    guard let text = name.stringValue, VariableSchema.knownTypes.contains(text) else {
                        bad(path / "type", "unknown type \(name.serialized())")
                        continue
                    }
                }
            }
            if let reference = object["$ref"] {
                if let text = reference.stringValue {
                    if schema.resolve(text) == nil {
                        bad(path / "$ref", "unknown reference '\(text)': no such entry in definitions or $defs", .unknownReference)
                    }
                } else if reference["block_document_id"] == nil {
                    bad(path / "$ref", "expected a reference string, got \(reference.typeName)")
                }
            }
            if let options = object["enum"], options.arrayValue == nil { bad(path / "enum", "expected an array, got \(options.typeName)") }
            if let pattern = object["pattern"] {
                if let text = pattern.stringValue {
                    if (try? NSRegularExpression(pattern: text)) == nil {
                        bad(path / "pattern", "invalid regular expression \(pattern.serialized())")
                    }
                } else {
                    bad(path / "pattern", "expected a string, got \(pattern.typeName)")
                }
            }
            for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
                guard let list = object[key] else { continue }
                guard let items = list.arrayValue else {
                    bad(path / key, "expected an array of schemas, got \(list.typeName)")
                    continue
                }
                for (i, item) in items.enumerated() { visit(item, at: (path / key).appending(index: i), depth: depth + 1) }
            }
            if let properties = object["properties"] {
                if let members = properties.objectValue {
                    for name in members.keys.sorted() { visit(members[name]!, at: path / "properties" / name, depth: depth + 1) }
                } else {
                    bad(path / "properties", "expected an object of schemas, got \(properties.typeName)")
                }
            }
            if let items = object["items"] {
                if let list = items.arrayValue {
                    for (i, item) in list.enumerated() { visit(item, at: (path / "items").appending(index: i), depth: depth + 1) }
                } else {
                    visit(items, at: path / "items", depth: depth + 1)
                }
            }
            if let extra = object["additionalProperties"] { visit(extra, at: path / "additionalProperties", depth: depth + 1) }
            if let required = object["required"], path != base, required.arrayValue == nil {
                bad(path / "required", "expected an array of names, got \(required.typeName)")
            }
        }
        for name in schema.properties.keys.sorted() {
            visit(schema.properties[name]!, at: base / "properties" / name, depth: 0)
        }
        for key in ["definitions", "$defs"] {
            guard let definitions = schema.schema[key] else { continue }
            guard let members = definitions.objectValue else {
                bad(base / key, "expected an object of schemas, got \(definitions.typeName)")
                continue
            }
            for name in members.keys.sorted() { visit(members[name]!, at: base / key / name, depth: 0) }
        }
        return problems
    }

    /// Non-null defaults must satisfy their own schema (required ignored), as Prefect checks on pool create.
    private static func checkDefaults(_ schema: VariableSchema, file: String) -> [TemplateProblem] {
        return schema.validateVariables(schema.defaults, requireAll: false, file: file, at: .root / "variables" / "properties")
            .map { problem in
                var problem = problem
                // Point at the default itself: $.variables.properties.NAME.default…
                if var components = problem.path?.components, components.count >= 3 {
                    components.insert(.key("default"), at: 3)
                    problem.path = JSONPath(components)
                }
                return problem
            }
    }
}
