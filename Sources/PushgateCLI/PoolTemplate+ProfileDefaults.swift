import PushgateCore

extension PoolTemplate {
    /// `text` (a stored template) with `defaults` written into the `default` of each declared variable
    /// that has none, and the names filled; what a profile holds (docs/provider-apis.md §4.5), so a pool
    /// whose template requires it needs no job variable for it. A variable with a default keeps it.
    static func supplying(_ defaults: [String: JSONValue], to text: String) -> (text: String, filled: [String]) {
        guard !defaults.isEmpty, case .object(var document)? = try? JSONValue.parse(text),
            case .object(var variables)? = document["variables"], case .object(var properties)? = variables["properties"]
        else { return (text, []) }
        var filled: [String] = []
        for (name, value) in defaults.sorted(by: { $0.key < $1.key }) {
            guard case .object(var property)? = properties[name], property["default"] == nil || property["default"] == .null else { continue }
            property["default"] = value
            properties[name] = .object(property)
            filled.append(name)
        }
        guard !filled.isEmpty else { return (text, []) }
        variables["properties"] = .object(properties)
        document["variables"] = .object(variables)
        return (JSONValue.object(document).serialized(), filled)
    }
}
