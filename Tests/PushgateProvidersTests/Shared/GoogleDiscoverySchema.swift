import Foundation
import PushgateCore
import PushgateTestSupport

/// A Google API discovery document (`Tests/Fixtures/google-discovery`) used as a schema: a request body is
/// walked against the method's request schema and every problem is named by its JSON path: a field the
/// schema does not have, a value of the wrong JSON type (int64 as a string, as Google's JSON mapping
/// requires), an enum value not listed, a field the schema calls "Required." missing.
struct GoogleDiscoverySchema {
    let schemas: [String: JSONValue]
    let document: JSONValue

    init(fixture: String) throws {
        // aiplatform.v1 is about 3 MB, over the parser's default limit for API bodies.
        document = try JSONParser.parse(try Fixtures.data("google-discovery/\(fixture)"), limits: JSONParserLimits(maxBytes: 16 << 20))
        schemas = document["schemas"]?.objectValue ?? [:]
    }

    /// The request schema of a method, by its path in `resources` (`["namespaces", "jobs"]`, `"create"`).
    func requestSchema(resources: [String], method: String) -> String? {
        var node = document
        for resource in resources { node = node["resources"]?[resource] ?? .null }
        return node["methods"]?[method]?["request"]?["$ref"]?.stringValue
    }

    /// Every problem of `value` against schema `name`; empty when it is valid.
    func problems(_ value: JSONValue, schema name: String, path: String = "$") -> [String] {
        guard let schema = schemas[name] else { return ["\(path): unknown schema \(name)"] }
        return problems(value, against: schema, path: path)
    }

    private func problems(_ value: JSONValue, against schema: JSONValue, path: String) -> [String] {
        if let ref = schema["$ref"]?.stringValue { return problems(value, schema: ref, path: path) }
        let type = schema["type"]?.stringValue ?? "any"
        switch (type, value) {
        case ("any", _): return []
        case ("string", .string(let text)):
            if let values = schema["enum"]?.arrayValue?.compactMap(\.stringValue), !values.contains(text) {
                return ["\(path): '\(text)' is not one of \(values)"]
            }
            if schema["format"]?.stringValue == "int64", Int64(text) == nil { return ["\(path): '\(text)' is not an int64"] }
            return []
        case ("integer", .int), ("number", .int), ("number", .double), ("boolean", .bool): return []
        case ("array", .array(let items)):
            let item = schema["items"] ?? .null
            return items.enumerated().flatMap { problems($0.element, against: item, path: "\(path)[\($0.offset)]") }
        case ("object", .object(let members)):
            if let additional = schema["additionalProperties"], schema["properties"] == nil {
                return members.sorted { $0.key < $1.key }.flatMap { problems($0.value, against: additional, path: "\(path).\($0.key)") }
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            var out: [String] = []
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                guard let property = properties[key] else {
                    out.append("\(path).\(key): not a field of \(schema["id"]?.stringValue ?? "this object")")
                    continue
                }
                out += problems(member, against: property, path: "\(path).\(key)")
            }
            for (key, property) in properties.sorted(by: { $0.key < $1.key }) where members[key] == nil {
                if property["description"]?.stringValue?.hasPrefix("Required.") == true {
                    out.append("\(path).\(key): required by \(schema["id"]?.stringValue ?? "the schema")")
                }
            }
            return out
        default:
            return ["\(path): expected \(type), got \(value.serialized())"]
        }
    }
}
