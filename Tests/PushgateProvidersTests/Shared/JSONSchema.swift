import Foundation
import PushgateCore
import PushgateTestSupport

/// A JSON Schema (the draft 2020-12 subset Kubernetes' OpenAPI-derived schemas use: `$ref` into `$defs`,
/// `type` as a name or a list, `enum`, `oneOf`, `properties`, `additionalProperties` false or a schema,
/// `required`, `items`, `format` int32/int64) walked over a value; every problem is named by its JSON path.
/// The Google discovery documents have their own dialect (``GoogleDiscoverySchema``).
struct JSONSchema {
    let root: JSONValue

    init(fixture: String) throws {
        root = try JSONParser.parse(try Fixtures.data(fixture), limits: JSONParserLimits(maxBytes: 16 << 20))
    }

    init(_ root: JSONValue) { self.root = root }

    /// Every problem of `value`; empty when it is valid.
    func problems(_ value: JSONValue) -> [String] { problems(value, against: root, path: "$") }

    /// `#/a/b` JSON pointers into the document (all the fixture uses).
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = root
        for part in reference.dropFirst(2).split(separator: "/") {
            node = node?[part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
        }
        return node
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    private func problems(_ value: JSONValue, against schema: JSONValue, path: String) -> [String] {
        if let reference = schema["$ref"]?.stringValue {
            guard let target = resolve(reference) else { return ["\(path): unresolvable $ref \(reference)"] }
            return problems(value, against: target, path: path)
        }
        var out: [String] = []
        if let options = schema["oneOf"]?.arrayValue {
            let matching = options.filter { problems(value, against: $0, path: path).isEmpty }.count
            if matching != 1 { out.append("\(path): \(value.serialized()) matches \(matching) of its \(options.count) oneOf schemas, not 1") }
        }
        let types = schema["type"].map { $0.arrayValue?.compactMap(\.stringValue) ?? [$0.stringValue ?? ""] }
        let actual = Self.typeName(value)
        if let types, !(types.contains(actual) || (actual == "integer" && types.contains("number"))) {
            return out + ["\(path): expected \(types.joined(separator: " or ")), got \(actual) \(value.serialized())"]
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            out.append("\(path): \(value.serialized()) is not one of \(JSONValue.array(allowed).serialized())")
        }
        switch (schema["format"]?.stringValue, value) {
        case ("int32"?, .int(let number)) where Int32(exactly: number) == nil: out.append("\(path): \(number) is not an int32")
        default: break
        }
        switch value {
        case .object(let members):
            let properties = schema["properties"]?.objectValue ?? [:]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] {
                    out += problems(member, against: property, path: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) {
                        out.append("\(path).\(key): unknown field")
                    } else if additional.objectValue != nil {
                        out += problems(member, against: additional, path: "\(path).\(key)")
                    }
                }
            }
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
                out.append("\(path).\(key): required")
            }
        case .array(let items):
            if let item = schema["items"] {
                for (index, element) in items.enumerated() { out += problems(element, against: item, path: "\(path)[\(index)]") }
            }
        default:
            break
        }
        return out
    }
}
