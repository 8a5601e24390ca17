import Foundation
import PushgateCore
import PushgateTestSupport

/// Checks JSON values against the Swagger 2.0 schema subset the Engine API document uses for request bodies:
/// `type`, `properties`, `additionalProperties`, `items`, `allOf`, `enum`, `x-nullable` and local `$ref`s.
/// Stricter than JSON Schema on one point: an object schema that lists `properties` and says nothing of
/// `additionalProperties` rejects other members, because the engine's decoder silently drops unknown fields,
/// so a misspelt one would otherwise pass unseen.
struct SwaggerSchemaChecker {
    let document: JSONValue

    init(document: JSONValue) { self.document = document }

    static func engineAPI() throws -> SwaggerSchemaChecker {
        let url = Fixtures.url("docker-engine-api/swagger-v1.41.json")
        return SwaggerSchemaChecker(document: try JSONValue.parse(Data(contentsOf: url)))
    }

    /// The body schema of `METHOD path` (a path template such as `/containers/create`).
    func bodySchema(_ method: String, _ path: String) -> JSONValue? {
        let parameters = document.member(at: "paths", path, method.lowercased(), "parameters")?.arrayValue ?? []
        return parameters.first { $0["in"]?.stringValue == "body" }?["schema"]
    }

    /// The operation's declared query parameter names.
    func queryParameters(_ method: String, _ path: String) -> Set<String> {
        let parameters = document.member(at: "paths", path, method.lowercased(), "parameters")?.arrayValue ?? []
        return Set(parameters.filter { $0["in"]?.stringValue == "query" }.compactMap { $0["name"]?.stringValue })
    }

    /// The document's path template matching a concrete path (`/containers/abc/start` → `/containers/{id}/start`).
    func pathTemplate(for path: String) -> String? {
        let parts = path.split(separator: "/")
        return (document["paths"]?.objectValue ?? [:]).keys.sorted().first { template in
            let templateParts = template.split(separator: "/")
            guard templateParts.count == parts.count else { return false }
            return zip(templateParts, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    /// Every violation of `schema` in `value`, each naming its JSON path.
    func violations(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        let schema = resolve(schema)
        if value.isNull {
            return schema["x-nullable"]?.boolValue == true || schema["type"] == nil ? [] : ["\(path): null is not allowed"]
        }
        var out: [String] = []
        if let branches = schema["allOf"]?.arrayValue {
            for branch in branches { out += violations(value, unrestricted(branch), at: path) }
            if case .object(let members) = value {
                let known = branches.reduce(into: Set<String>()) { $0.formUnion(propertyNames(resolve($1))) }
                for key in members.keys.sorted() where !known.contains(key) { out.append("\(path).\(key): not in the schema") }
            }
        }
        if let choices = schema["enum"]?.arrayValue, !choices.contains(value) { out.append("\(path): \(value.serialized()) is not one of the enum") }
        switch schema["type"]?.stringValue {
        case "string"?: if value.stringValue == nil { out.append("\(path): expected a string") }
        case "boolean"?: if value.boolValue == nil { out.append("\(path): expected a boolean") }
        case "integer"?: if case .int = value {} else { out.append("\(path): expected an integer") }
        case "number"?: if value.doubleValue == nil { out.append("\(path): expected a number") }
        case "array"?:
            guard let items = value.arrayValue else { return out + ["\(path): expected an array"] }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { out += violations(item, itemSchema, at: "\(path)[\(index)]") }
            }
        case "object"?, nil:
            guard case .object(let members) = value else {
                return schema["type"] == nil ? out : out + ["\(path): expected an object"]
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] {
                    out += violations(member, property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if additional == false {
                        out.append("\(path).\(key): not allowed")
                    } else if additional != true {
                        out += violations(member, additional, at: "\(path).\(key)")
                    }
                } else if !properties.isEmpty && schema["x-unrestricted"] == nil {
                    out.append("\(path).\(key): not in the schema")
                }
            }
        default: break
        }
        return out
    }

    /// A branch of an `allOf` checks its own members only; the union is checked by the caller.
    private func unrestricted(_ schema: JSONValue) -> JSONValue {
        guard case .object(var members) = resolve(schema) else { return schema }
        members["x-unrestricted"] = true
        return .object(members)
    }

    private func propertyNames(_ schema: JSONValue) -> Set<String> {
        var names = Set((schema["properties"]?.objectValue ?? [:]).keys)
        for branch in schema["allOf"]?.arrayValue ?? [] { names.formUnion(propertyNames(resolve(branch))) }
        return names
    }

    /// Follows `$ref: "#/definitions/Name"` (repeatedly).
    func resolve(_ schema: JSONValue) -> JSONValue {
        var current = schema
        while let reference = current["$ref"]?.stringValue, reference.hasPrefix("#/") {
            let keys = reference.dropFirst(2).split(separator: "/").map(String.init)
            guard let target = keys.reduce(Optional(document), { $0?[$1] }) else { return .null }
            current = target
        }
        return current
    }
}
