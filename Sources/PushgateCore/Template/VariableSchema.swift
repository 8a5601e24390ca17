import Foundation

/// The `variables` JSON Schema of a base job template, with the subset of Draft 2020-12 that Prefect's
/// templates use: `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`, `items`,
/// `$ref` into `definitions`/`$defs`, `anyOf`/`allOf`/`oneOf`, `pattern`, numeric and length bounds
/// (docs/prefect-semantics.md §2.5).
package struct VariableSchema: Sendable {
    package let schema: JSONValue
    let definitions: [String: JSONValue]
    /// Declared top-level variable names.
    package let properties: [String: JSONValue]
    package let required: Set<String>
    /// Variables whose schema is a Prefect block (credentials and the like).
    let blockVariables: Set<String>
    /// The non-null `default`s, computed once.
    package let defaults: [String: JSONValue]
    let compiledProperties: [String: SchemaNode]
    let compiledDefinitions: [String: SchemaNode]
    /// Some node is marked secret (``secretStrings(in:)``), so templates without one skip that walk.
    let marksSecrets: Bool

    static let knownTypes: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]
    /// `$ref` chains deeper than this are reported instead of followed (guards against cycles).
    static let maxReferenceDepth = 32

    package init(_ schema: JSONValue) {
        self.schema = schema
        var definitions: [String: JSONValue] = [:]
        for key in ["definitions", "$defs"] {
            for (name, value) in schema[key]?.objectValue ?? [:] { definitions["#/\(key)/\(name)"] = value }
        }
        self.definitions = definitions
        properties = schema["properties"]?.objectValue ?? [:]
        required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        compiledProperties = properties.mapValues(SchemaNode.init)
        compiledDefinitions = definitions.mapValues(SchemaNode.init)
        var defaults: [String: JSONValue] = [:]
        for (name, property) in properties {
            if let value = property["default"], value != .null { defaults[name] = value }
        }
        self.defaults = defaults
        marksSecrets = VariableSchema.marksSecret(schema)
        let declared = properties
        blockVariables = Set(declared.keys.filter { VariableSchema.referencesBlock(declared[$0]!, definitions, depth: 0) })
    }

    /// The schema `$ref` points at, or nil when it is not a local definition.
    func resolve(_ reference: String) -> JSONValue? { definitions[reference] }

    /// True when a variable holds a Prefect block (credentials and the like): its schema refers to a
    /// definition carrying `block_type_slug`. pushgate takes credentials from the pool's profile instead.
    package func isBlockVariable(_ name: String) -> Bool { blockVariables.contains(name) }

    private static func referencesBlock(_ schema: JSONValue, _ definitions: [String: JSONValue], depth: Int) -> Bool {
        guard depth < 4, let object = schema.objectValue else { return false }
        if object["block_type_slug"] != nil { return true }
        if let reference = object["$ref"]?.stringValue, let target = definitions[reference] {
            return referencesBlock(target, definitions, depth: depth + 1)
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for sub in object[key]?.arrayValue ?? [] where referencesBlock(sub, definitions, depth: depth + 1) { return true }
        }
        return false
    }

    // MARK: Values

    /// Validates merged job variables. `requireAll` enforces `required` (run creation); defaults and
    /// deployment variables are checked without it, as Prefect's server does. A non-required variable
    /// accepts `null` (Prefect rewrites typed optional properties to `anyOf: [T, null]`).
    package func validateVariables(
        _ values: [String: JSONValue],
        requireAll: Bool,
        file: String,
        at base: JSONPath = .root
    ) -> [TemplateProblem] {
        var problems = requireAll ? missingRequired(in: values, file: file, at: base) : []
        for name in values.keys.sorted() {
            guard let property = compiledProperties[name] else { continue }  // unknown variables are ignored, as in Prefect
            let value = values[name]!
            if value == .null && !required.contains(name) { continue }
            if isBlockVariable(name), isBlockReference(value) { continue }
            validate(value, against: property, at: base / name, file: file, problems: &problems, depth: 0)
        }
        return problems
    }

    /// Required variables without a value; block variables are satisfied by the pool's credentials profile.
    package func missingRequired(in values: [String: JSONValue], file: String, at base: JSONPath = .root) -> [TemplateProblem] {
        required.sorted().filter { values[$0] == nil && !isBlockVariable($0) }.map { name in
            TemplateProblem(.missingRequired, file: file, path: base / name, "required variable '\(name)' has no value")
        }
    }

    /// `{"$ref": {"block_document_id": "…"}}`: how Prefect stores a reference to a saved block.
    func isBlockReference(_ value: JSONValue) -> Bool {
        value["$ref"]?["block_document_id"] != nil
    }

    /// Validates one value against one schema node, appending a problem per violation.
    func validate(
        _ value: JSONValue,
        against node: SchemaNode,
        at path: JSONPath,
        file: String,
        problems: inout [TemplateProblem],
        depth: Int
    ) {
        guard depth < VariableSchema.maxReferenceDepth else { return }
        if let constant = node.constant {
            if !constant { problems.append(TemplateProblem(.invalidValue, file: file, path: path, "no value is allowed here")) }
            return
        }
        func fail(_ message: String) { problems.append(TemplateProblem(.invalidValue, file: file, path: path, message)) }
        // A secret field's value never appears in a message.
        func preview(_ value: JSONValue) -> String { node.isSecret ? "(secret value)" : VariableSchema.preview(value) }

        if let reference = node.reference, let target = compiledDefinitions[reference] {
            if target.isBlockDefinition, isBlockReference(value) { return }
            validate(value, against: target, at: path, file: file, problems: &problems, depth: depth + 1)
        }
        if !node.types.isEmpty && !node.types.contains(where: { VariableSchema.matches(value, type: $0) }) {
            fail("expected \(node.types.joined(separator: " or ")), got \(value.typeName) \(preview(value))")
            return
        }
        if let options = node.enumValues, !options.contains(where: { VariableSchema.equal($0, value) }) {
            fail("\(preview(value)) is not one of \(JSONValue.array(options).serialized())")
        }
        if let constant = node.constValue, !VariableSchema.equal(constant, value) {
            fail("\(preview(value)) is not \(constant.serialized())")
        }
        for sub in node.allOf {
            validate(value, against: sub, at: path, file: file, problems: &problems, depth: depth + 1)
        }
        for (options, exactlyOne) in [(node.anyOf, false), (node.oneOf, true)] where !options.isEmpty {
            // When no alternative admits the value's type, say which types would do.
            if options.allSatisfy({ $0.types.count == 1 }),
                !options.contains(where: { VariableSchema.matches(value, type: $0.types[0]) })
            {
                fail("expected \(options.map { $0.types[0] }.joined(separator: " or ")), got \(value.typeName) \(preview(value))")
                continue
            }
            var attempts: [[TemplateProblem]] = []
            for option in options {
                var local: [TemplateProblem] = []
                validate(value, against: option, at: path, file: file, problems: &local, depth: depth + 1)
                attempts.append(local)
                if local.isEmpty && !exactlyOne { break }
            }
            let passing = attempts.filter(\.isEmpty).count
            if passing == 0 {
                // Report the closest alternative: the one with the fewest problems.
                problems.append(contentsOf: attempts.min { $0.count < $1.count } ?? [])
            } else if exactlyOne && passing > 1 {
                fail("matches more than one alternative of oneOf")
            }
        }
        switch value {
        case .string(let text):
            if node.minLength != nil || node.maxLength != nil {
                let length = text.unicodeScalars.count
                if let min = node.minLength, length < min { fail("shorter than \(min) characters") }
                if let max = node.maxLength, length > max { fail("longer than \(max) characters") }
            }
            if let regex = node.regex, !regex.matches(text) {
                fail("\(preview(value)) does not match the pattern \(JSONValue.string(node.pattern!).serialized())")
            }
        case .int, .double:
            let number = value.doubleValue!
            if let min = node.minimum, number < min { fail("\(preview(value)) is less than \(min)") }
            if let max = node.maximum, number > max { fail("\(preview(value)) is more than \(max)") }
            if let min = node.exclusiveMinimum, number <= min { fail("\(preview(value)) must be more than \(min)") }
            if let max = node.exclusiveMaximum, number >= max { fail("\(preview(value)) must be less than \(max)") }
        case .array(let items):
            if let min = node.minItems, items.count < min { fail("fewer than \(min) items") }
            if let max = node.maxItems, items.count > max { fail("more than \(max) items") }
            for (i, item) in items.enumerated() {
                if i < node.prefixItems.count {
                    validate(item, against: node.prefixItems[i], at: path.appending(index: i), file: file, problems: &problems, depth: depth + 1)
                } else if let itemSchema = node.items {
                    validate(item, against: itemSchema, at: path.appending(index: i), file: file, problems: &problems, depth: depth + 1)
                }
            }
        case .object(let members):
            for name in node.required where members[name] == nil {
                problems.append(TemplateProblem(.missingRequired, file: file, path: path / name, "required property '\(name)' is missing"))
            }
            if node.properties.isEmpty && node.additionalProperties == nil { break }
            for name in members.keys.sorted() {
                if let sub = node.properties[name] {
                    validate(members[name]!, against: sub, at: path / name, file: file, problems: &problems, depth: depth + 1)
                } else if let extra = node.additionalProperties {
                    if extra.constant == false {
                        let suggestion = BaseJobTemplate.suggestion(for: name, among: node.properties.keys.sorted())
                        problems.append(
                            TemplateProblem(
                                .undeclaredVariable,
                                file: file,
                                path: path / name,
                                "'\(name)' is not declared here\(suggestion) (the schema sets additionalProperties to false)"
                            )
                        )
                    } else {
                        validate(members[name]!, against: extra, at: path / name, file: file, problems: &problems, depth: depth + 1)
                    }
                }
            }
        case .null, .bool:
            break
        }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("integer", .int): return true
        case ("integer", .double(let d)): return d.rounded() == d
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }

    /// JSON Schema equality: 1 and 1.0 are the same number.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue, a.boolValue == nil, b.boolValue == nil { return x == y }
        return a == b
    }

    /// A short rendering of a value for messages; long values are cut.
    static func preview(_ value: JSONValue) -> String {
        let text = value.serialized()
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
