import PushgateCore

/// `--set KEY=JSON` and `--unset KEY`: one job variable changed, the others kept.
struct VariableEdits {
    var sets: [(key: String, value: JSONValue)] = []
    var unsets: [String] = []

    var isEmpty: Bool { sets.isEmpty && unsets.isEmpty }
    /// How problems name the result: the options that made it.
    var source: String { "--set/--unset" }

    init(set: [String], unset: [String]) throws {
        for item in set {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw UsageError("--set expects KEY=JSON, got '\(item)'")
            }
            let key = String(item[..<eq])
            let text = String(item[item.index(after: eq)...])
            do {
                sets.append((key, try JSONValue.parse(text)))
            } catch {
                throw UsageError("--set \(key): the value is not JSON (\(error.message)); quote strings: --set '\(key)=\"\(text)\"'")
            }
        }
        for key in unset where key.isEmpty { throw UsageError("--unset expects a KEY") }
        unsets = unset
    }

    /// `variables` with the unsets removed and the sets applied (a set wins over an unset of the same key).
    func applied(to variables: [String: JSONValue]) throws -> [String: JSONValue] {
        var result = variables
        for key in unsets {
            guard result.removeValue(forKey: key) != nil else { throw InputError("--unset \(key): the deployment has no job variable '\(key)'") }
        }
        for (key, value) in sets { result[key] = value }
        return result
    }
}
