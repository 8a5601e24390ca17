import Foundation

extension VariableSchema {
    /// The strings of `values` that sit where the schema marks a secret: `format: password` or
    /// `writeOnly: true`, which is how Pydantic's `SecretStr` appears in Prefect's templates
    /// (docs/prefect-semantics.md §2.5). A dry run hides them wherever they appear in a request.
    package func secretStrings(in values: [String: JSONValue]) -> Set<String> {
        guard marksSecrets else { return [] }
        var found: Set<String> = []
        for (name, value) in values {
            guard let property = properties[name] else { continue }
            collectSecrets(value, schema: property, secret: false, into: &found, depth: 0)
        }
        return found
    }

    private func collectSecrets(_ value: JSONValue, schema: JSONValue, secret: Bool, into found: inout Set<String>, depth: Int) {
        guard depth < VariableSchema.maxReferenceDepth else { return }
        let secret = secret || schema["format"]?.stringValue == "password" || schema["writeOnly"]?.boolValue == true
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference) {
            collectSecrets(value, schema: target, secret: secret, into: &found, depth: depth + 1)
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for sub in schema[key]?.arrayValue ?? [] { collectSecrets(value, schema: sub, secret: secret, into: &found, depth: depth + 1) }
        }
        switch value {
        case .string(let text):
            if secret, !text.isEmpty { found.insert(text) }
        case .object(let members):
            let declared = schema["properties"]?.objectValue ?? [:]
            let additional = schema["additionalProperties"].flatMap { $0.objectValue != nil ? $0 : nil }
            for (key, member) in members {
                if let sub = declared[key] ?? additional {
                    collectSecrets(member, schema: sub, secret: secret, into: &found, depth: depth + 1)
                } else if secret {
                    collectSecrets(member, schema: .object([:]), secret: true, into: &found, depth: depth + 1)
                }
            }
        case .array(let items):
            let itemSchema = schema["items"].flatMap { $0.objectValue != nil ? $0 : nil } ?? .object([:])
            for item in items { collectSecrets(item, schema: itemSchema, secret: secret, into: &found, depth: depth + 1) }
        default:
            break
        }
    }

    static func marksSecret(_ node: JSONValue) -> Bool {
        switch node {
        case .object(let members):
            if members["format"]?.stringValue == "password" || members["writeOnly"]?.boolValue == true { return true }
            return members.values.contains(where: marksSecret)
        case .array(let items):
            return items.contains(where: marksSecret)
        default:
            return false
        }
    }
}
