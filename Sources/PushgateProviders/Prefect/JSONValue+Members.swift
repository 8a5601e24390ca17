import PushgateCore

/// Small accessors for reading and rewriting nested members of rendered configurations and API
/// responses without a Codable model (the bodies are Prefect's templates, open-ended by design).
extension JSONValue {
    /// The value at `keys`, or nil when a step is missing or not an object.
    package func member(at keys: String...) -> JSONValue? {
        var current: JSONValue? = self
        for key in keys { current = current?[key] }
        return current
    }

    /// A non-empty string member.
    package func nonEmptyString(_ key: String) -> String? {
        guard let text = self[key]?.stringValue, !text.isEmpty else { return nil }
        return text
    }

    /// Whether the value is null, an empty string, an empty object or an empty array.
    package var isBlankValue: Bool {
        switch self {
        case .null: return true
        case .string(let text): return text.isEmpty
        case .array(let items): return items.isEmpty
        case .object(let members): return members.isEmpty
        default: return false
        }
    }

    /// An integer member, also when it arrives as a proto3-JSON int64 string (`"1"`).
    package func protoInteger(_ key: String) -> Int? {
        if let value = self[key]?.intValue { return Int(value) }
        if let text = self[key]?.stringValue { return Int(text) }
        return nil
    }
}
