import Foundation

/// The `variables` JSON Schema of a base job template, with the subset of Draft 2020-12 that Prefect's
/// templates use: `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`, `items`,
/// `$ref` into `definitions`/`$defs`, `anyOf`/`allOf`/`oneOf`, `pattern`, numeric and length bounds
/// (prefect-semantics.md §2.5).
package struct VariableSchema: Sendable {
    package let schema: JSONValue
    let definitions: [String: JSONValue]
    /// Declared top-level variable names.
    package let properties: [String: JSONValue]
    package let required: Set<String>

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
    }

    /// The schema `$ref` points at, or nil when it is not a local definition.
    func resolve(_ reference: String) -> JSONValue? { definitions[reference] }

    /// True when a variable holds a Prefect block (credentials and the like): its schema refers to a
    /// definition carrying `block_type_slug`. pushgate takes credentials from the pool's profile instead.
    package func isBlockVariable(_ name: String) -> Bool {
        guard let property = properties[name] else { return false }
        return referencesBlock(property, depth: 0)
    }

    private func referencesBlock(_ schema: JSONValue, depth: Int) -> Bool {
        guard depth < 4, let object = schema.objectValue else { return false }
        if object["block_type_slug"] != nil { return true }
        if let reference = object["$ref"]?.stringValue, let target = resolve(reference) {
            return referencesBlock(target, depth: depth + 1)
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for sub in object[key]?.arrayValue ?? [] where referencesBlock(sub, depth: depth + 1) { return true }
        }
        return false
    }

    // MARK: Values

    /// Validates merged job variables. `requireAll` enforces `required` (run creation); defaults and
    /// deployment variables are checked without it, as Prefect's server does. A non-required variable
    /// accepts `null` (Prefect rewrites typed optional properties to `anyOf: [T, null]`).
    package func validateVariables(
        _ values: [String: JSONValue], requireAll: Bool, file: String, at base: JSONPath = .root
    ) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        if requireAll {
            for name in required.sorted() where values[name] == nil && !isBlockVariable(name) {
                problems.append(
                    TemplateProblem(.missingRequired, file: file, path: base / name, "required variable '\(name)' has no value"))
            }
        }
        for name in values.keys.sorted() {
            guard let property = properties[name] else { continue }  // unknown variables are ignored, as in Prefect
            let value = values[name]!
            if value == .null && !required.contains(name) { continue }
            if isBlockVariable(name), isBlockReference(value) { continue }
            validate(value, against: property, at: base / name, file: file, problems: &problems, depth: 0)
        }
        return problems
    }

    /// `{"$ref": {"block_document_id": "…"}}`: how Prefect stores a reference to a saved block.
    func isBlockReference(_ value: JSONValue) -> Bool {
        value["$ref"]?["block_document_id"] != nil
    }

    /// Validates one value against one schema node, appending a problem per violation.
    func validate(
        _ value: JSONValue, against schema: JSONValue, at path: JSONPath, file: String,
        problems: inout [TemplateProblem], depth: Int
    ) {
        guard depth < VariableSchema.maxReferenceDepth else { return }
        if schema == .bool(true) { return }
        if schema == .bool(false) {
            problems.append(TemplateProblem(.invalidValue, file: file, path: path, "no value is allowed here"))
            return
        }
        guard let node = schema.objectValue else { return }
        func fail(_ message: String) { problems.append(TemplateProblem(.invalidValue, file: file, path: path, message)) }
        // A secret field's value never appears in a message.
        let isSecret = node["writeOnly"] == .bool(true) || node["format"] == .string("password")
        func preview(_ value: JSONValue) -> String { isSecret ? "(secret value)" : VariableSchema.preview(value) }

        if let reference = node["$ref"]?.stringValue, let target = resolve(reference) {
            if isBlockReference(value), target["block_type_slug"] != nil { return }
            validate(value, against: target, at: path, file: file, problems: &problems, depth: depth + 1)
        }
        if let types = node["type"] {
            let allowed = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue].compactMap { $0 }
            if !allowed.isEmpty && !allowed.contains(where: { VariableSchema.matches(value, type: $0) }) {
                fail("expected \(allowed.joined(separator: " or ")), got \(value.typeName) \(preview(value))")
                return
            }
        }
        if let options = node["enum"]?.arrayValue, !options.contains(where: { VariableSchema.equal($0, value) }) {
            fail("\(preview(value)) is not one of \(JSONValue.array(options).serialized())")
        }
        if let constant = node["const"], !VariableSchema.equal(constant, value) {
            fail("\(preview(value)) is not \(constant.serialized())")
        }
        for sub in node["allOf"]?.arrayValue ?? [] {
            validate(value, against: sub, at: path, file: file, problems: &problems, depth: depth + 1)
        }
        for key in ["anyOf", "oneOf"] {
            guard let options = node[key]?.arrayValue, !options.isEmpty else { continue }
            // When no alternative admits the value's type, say which types would do.
            let optionTypes = options.compactMap { $0["type"]?.stringValue }
            if optionTypes.count == options.count, !optionTypes.contains(where: { VariableSchema.matches(value, type: $0) }) {
                fail("expected \(optionTypes.joined(separator: " or ")), got \(value.typeName) \(preview(value))")
                continue
            }
            var attempts: [[TemplateProblem]] = []
            for option in options {
                var local: [TemplateProblem] = []
                validate(value, against: option, at: path, file: file, problems: &local, depth: depth + 1)
                attempts.append(local)
            }
            let passing = attempts.filter(\.isEmpty).count
            if passing == 0 {
                // Report the closest alternative: the one with the fewest problems.
                problems.append(contentsOf: attempts.min { $0.count < $1.count } ?? [])
            } else if key == "oneOf" && passing > 1 {
                fail("matches more than one alternative of oneOf")
            }
        }
        switch value {
        case .string(let text):
            let length = text.unicodeScalars.count
            if let min = node["minLength"]?.intValue, length < min { fail("shorter than \(min) characters") }
            if let max = node["maxLength"]?.intValue, length > max { fail("longer than \(max) characters") }
            if let pattern = node["pattern"]?.stringValue,
                let regex = try? NSRegularExpression(pattern: pattern),
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                fail("\(preview(value)) does not match the pattern \(JSONValue.string(pattern).serialized())")
            }
        case .int, .double:
            let number = value.doubleValue!
            if let min = node["minimum"]?.doubleValue, number < min { fail("\(preview(value)) is less than \(min)") }
            if let max = node["maximum"]?.doubleValue, number > max { fail("\(preview(value)) is more than \(max)") }
            if let min = node["exclusiveMinimum"]?.doubleValue, number <= min {
                fail("\(preview(value)) must be more than \(min)")
            }
            if let max = node["exclusiveMaximum"]?.doubleValue, number >= max {
                fail("\(preview(value)) must be less than \(max)")
            }
        case .array(let items):
            if let min = node["minItems"]?.intValue, items.count < min { fail("fewer than \(min) items") }
            if let max = node["maxItems"]?.intValue, items.count > max { fail("more than \(max) items") }
            let prefix = node["prefixItems"]?.arrayValue ?? node["items"]?.arrayValue ?? []
            for (i, item) in items.enumerated() {
                if i < prefix.count {
                    validate(item, against: prefix[i], at: path.appending(index: i), file: file, problems: &problems, depth: depth + 1)
                } else if let itemSchema = node["items"], itemSchema.arrayValue == nil {
                    validate(item, against: itemSchema, at: path.appending(index: i), file: file, problems: &problems, depth: depth + 1)
                }
            }
        case .object(let members):
            let declared = node["properties"]?.objectValue ?? [:]
            for name in (node["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[name] == nil {
                problems.append(TemplateProblem(.missingRequired, file: file, path: path / name, "required property '\(name)' is missing"))
            }
            for name in members.keys.sorted() {
                if let sub = declared[name] {
                    validate(members[name]!, against: sub, at: path / name, file: file, problems: &problems, depth: depth + 1)
                } else if let extra = node["additionalProperties"] {
                    validate(members[name]!, against: extra, at: path / name, file: file, problems: &problems, depth: depth + 1)
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
