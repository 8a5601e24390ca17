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
    /// When the node constrains nothing but the type (`type`, and `anyOf` of such nodes), the types it
    /// admits as ``SchemaNode/typeBit(_:)`` bits: a valid value is then one bit test
    /// (``VariableSchema/conforms(_:to:depth:)``). Nil otherwise.
    let acceptedTypes: UInt8?

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
            acceptedTypes = nil
            return
        }
        constant = nil
        let types: [String]
        if let type = node["type"] {
            types = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
        } else {
            types = []
        }
        self.types = types
        enumValues = node["enum"]?.arrayValue
        constValue = node["const"]
        reference = node["$ref"]?.stringValue
        allOf = (node["allOf"]?.arrayValue ?? []).map(SchemaNode.init)
        let anyOf = (node["anyOf"]?.arrayValue ?? []).map(SchemaNode.init)
        self.anyOf = anyOf
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
        acceptedTypes = SchemaNode.constrainingKeywords.contains { node[$0] != nil } ? nil : SchemaNode.acceptedTypes(types, anyOf)
    }

    /// Every keyword besides `type` and `anyOf` that the validator reads.
    private static let constrainingKeywords = [
        "enum", "const", "$ref", "allOf", "oneOf", "properties", "required", "additionalProperties", "items", "prefixItems",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "pattern",
    ]

    private static let typeBits: [String: UInt8] = [
        "null": 1, "boolean": 2, "integer": 4, "number": 8, "string": 16, "array": 32, "object": 64,
    ]
    private static let anyType: UInt8 = 0x7F

    /// The type bits a type-only node admits; `anyOf` alternatives must be type-only without an `anyOf`
    /// of their own (one level, so the validator's depth limit cannot differ).
    private static func acceptedTypes(_ types: [String], _ anyOf: [SchemaNode]) -> UInt8? {
        let own = types.isEmpty ? anyType : types.reduce(0) { $0 | (typeBits[$1] ?? 0) }
        if anyOf.isEmpty { return own }
        var union: UInt8 = 0
        for option in anyOf {
            guard option.anyOf.isEmpty, let accepted = option.acceptedTypes else { return nil }
            union |= accepted
        }
        return own & union
    }

    /// The type bits `value` satisfies (JSON Schema: an integral float is an integer, an integer a number).
    static func typeBit(_ value: JSONValue) -> UInt8 {
        switch value {
        case .null: return 1
        case .bool: return 2
        case .int: return 4 | 8
        case .double(let d): return d.rounded() == d ? 4 | 8 : 8
        case .string: return 16
        case .array: return 32
        case .object: return 64
        }
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
