/// Prefect's `get_from_dict(values, "a.b[1].c")` (docs/prefect-semantics.md §1.4): `[` becomes `.`, `]` is
/// dropped, the key splits on `.`; a segment is an exact object key first, then an integer index into an
/// array or a string (negative indices count from the end).
package struct ValuePath: Sendable, Hashable {
    package var segments: [String]

    package init(_ name: String) {
        var normalized = ""
        normalized.reserveCapacity(name.count)
        for c in name {
            if c == "[" {
                normalized.append(".")
            } else if c != "]" {
                normalized.append(c)
            }
        }
        segments = normalized.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The root variable name (the first segment).
    package var root: String { segments.first ?? "" }

    /// The value at this path, or nil when any step misses (Prefect's `NotSet`).
    package func lookup(in values: [String: JSONValue]) -> JSONValue? {
        guard let first = segments.first, let root = values[first] else { return nil }
        return lookup(from: root)
    }

    /// The value at this path below the root variable's value `root`.
    func lookup(from root: JSONValue) -> JSONValue? {
        if segments.count == 1 { return root }
        var current = root
        for segment in segments.dropFirst() {
            switch current {
            case .object(let members):
                guard let next = members[segment] else { return nil }
                current = next
            case .array(let items):
                guard let raw = ValuePath.pythonInt(segment) else { return nil }
                let index = raw < 0 ? items.count + raw : raw
                guard index >= 0, index < items.count else { return nil }
                current = items[index]
            case .string(let text):
                guard let raw = ValuePath.pythonInt(segment) else { return nil }
                let characters = Array(text)
                let index = raw < 0 ? characters.count + raw : raw
                guard index >= 0, index < characters.count else { return nil }
                current = .string(String(characters[index]))
            default:
                return nil
            }
        }
        return current
    }

    /// Python's `int(text)` for the forms that can appear in a placeholder name: optional sign,
    /// decimal digits with single underscores between them (`01` is accepted, as Python accepts it).
    static func pythonInt(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "-" || first == "+" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber, digits.last != "_",
            !digits.contains("__")
        else { return nil }
        let cleaned = digits.filter { $0 != "_" }
        guard cleaned.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(cleaned) else { return nil }
        return negative ? -value : value
    }
}
