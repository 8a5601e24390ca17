import Foundation
import PushgateCore

/// A JSON request body read strictly: unknown fields and fields of the wrong type are refused with a
/// message naming the field, so a typo never silently does nothing.
package struct RequestBody: Sendable {
    /// Bodies nested deeper than this are refused.
    package static let maxDepth = 32
    let members: [String: JSONValue]

    package init(_ data: Data, allowed: Set<String>) throws(APIError) {
        if data.isEmpty {
            members = [:]
            return
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data, limits: JSONParserLimits(maxDepth: RequestBody.maxDepth, maxBytes: BaseJobTemplate.maxBytes))
        } catch {
            switch error.code {
            case .tooDeep: throw APIError(400, "request body nested deeper than \(RequestBody.maxDepth) at \(error.line):\(error.column)")
            case .tooLarge: throw APIError(413, error.message)
            case .syntax, .invalidUTF8: throw APIError(400, "malformed JSON at \(error.line):\(error.column): \(error.message)")
            }
        }
        guard let object = value.objectValue else { throw APIError(400, "request body must be a JSON object, got \(value.typeName)") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError(400, "unknown field '\(unknown)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        members = object
    }

    package func has(_ field: String) -> Bool { members[field] != nil }

    package func string(_ field: String, required: Bool = false) throws(APIError) -> String? {
        guard let value = members[field], value != .null else {
            if required { throw APIError(422, "field '\(field)' is required") }
            return nil
        }
        guard let text = value.stringValue else { throw APIError(422, "field '\(field)' must be a string, got \(value.typeName)") }
        return text
    }

    package func int(_ field: String) throws(APIError) -> Int? {
        guard let value = members[field], value != .null else { return nil }
        guard case .int(let number) = value, let small = Int(exactly: number) else {
            throw APIError(422, "field '\(field)' must be an integer, got \(value.typeName)")
        }
        return small
    }

    package func bool(_ field: String) throws(APIError) -> Bool? {
        guard let value = members[field], value != .null else { return nil }
        guard let flag = value.boolValue else { throw APIError(422, "field '\(field)' must be a boolean, got \(value.typeName)") }
        return flag
    }

    package func object(_ field: String) throws(APIError) -> JSONValue? {
        guard let value = members[field], value != .null else { return nil }
        guard value.objectValue != nil else { throw APIError(422, "field '\(field)' must be an object, got \(value.typeName)") }
        return value
    }

    /// A present field whose value is `null`: "remove the limit" in a PATCH.
    package func isExplicitNull(_ field: String) -> Bool { members[field] == .null }
}
