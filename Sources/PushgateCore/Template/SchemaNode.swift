import Foundation

/// One JSON Schema node with its keywords decoded once, so validating job variables on every
/// submission is a walk over typed fields instead of dictionary lookups into the schema document.
final class SchemaNode: Sendable {
    /// `true` / `false` schemas.
    let constant: Bool?
    let types: [String]
    let enumValues: [JSONValue]?
    let constValue: JSONValue?
    let reference: String?
    let allOf: [SchemaNode]
    let anyOf: [SchemaNode]
    let oneOf: [SchemaNode]
    let properties: [String: SchemaNode]
    let required: [String]
    let additionalProperties: SchemaNode?
    let items: SchemaNode?
    let prefixItems: [SchemaNode]
    let minimum, maximum, exclusiveMinimum, exclusiveMaximum: Double?
    let minLength, maxLength, minItems, maxItems: Int?
    let pattern: String?
    let regex: PatternBox?
    /// `writeOnly` or `format: password`: the value is a secret and never appears in messages.
    let isSecret: Bool
    /// The node declares a Prefect block type (`block_type_slug`).
    let isBlockDefinition: Bool

    init(_ schema: JSONValue) {
        guard let node = schema.objectValue else {
            constant = schema.boolValue ?? true
            types = []
            enumValues = nil
            constValue = nil
            reference = nil
            allOf = []
            anyOf = []
            oneOf = []
            properties = [:]
            required = []
            additionalProperties = nil
            items = nil
            prefixItems = []
            minimum = nil
            maximum = nil
            exclusiveMinimum = nil
            exclusiveMaximum = nil
            minLength = nil
            maxLength = nil
            minItems = nil
            maxItems = nil
            pattern = nil
            regex = nil
            isSecret = false
            isBlockDefinition = false
            return
        }
        constant = nil
        if let type = node["type"] {
            types = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
        } else {
            types = []
        }
        enumValues = node["enum"]?.arrayValue
        constValue = node["const"]
        reference = node["$ref"]?.stringValue
        allOf = (node["allOf"]?.arrayValue ?? []).map(SchemaNode.init)
        anyOf = (node["anyOf"]?.arrayValue ?? []).map(SchemaNode.init)
        oneOf = (node["oneOf"]?.arrayValue ?? []).map(SchemaNode.init)
        properties = (node["properties"]?.objectValue ?? [:]).mapValues(SchemaNode.init)
        required = (node["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        additionalProperties = node["additionalProperties"].map(SchemaNode.init)
        if let items = node["items"], items.arrayValue == nil {
            self.items = SchemaNode(items)
        } else {
            items = nil
        }
        prefixItems = (node["prefixItems"]?.arrayValue ?? node["items"]?.arrayValue ?? []).map(SchemaNode.init)
        minimum = node["minimum"]?.doubleValue
        maximum = node["maximum"]?.doubleValue
        exclusiveMinimum = node["exclusiveMinimum"]?.doubleValue
        exclusiveMaximum = node["exclusiveMaximum"]?.doubleValue
        minLength = node["minLength"]?.intValue.map(Int.init)
        maxLength = node["maxLength"]?.intValue.map(Int.init)
        minItems = node["minItems"]?.intValue.map(Int.init)
        maxItems = node["maxItems"]?.intValue.map(Int.init)
        pattern = node["pattern"]?.stringValue
        regex = pattern.flatMap(PatternBox.init)
        isSecret = node["writeOnly"] == .bool(true) || node["format"] == .string("password")
        isBlockDefinition = node["block_type_slug"] != nil
    }
}

/// A compiled `pattern`. NSRegularExpression is immutable once built, so sharing it is safe.
final class PatternBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init?(_ pattern: String) {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.regex = regex
    }
    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
