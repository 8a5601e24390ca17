extension JSONValue {
    /// The text Prefect substitutes for an embedded placeholder: Python's `str(value)`
    /// (docs/prefect-semantics.md §1.4 R3). Strings are themselves; `True`/`False`/`None`; lists and dicts
    /// use `repr` for their members (`{'k': 'v'}`, `[1, 'a']`).
    ///
    /// Deliberate difference: dict members print in sorted key order, because pushgate's objects are
    /// unordered; Python prints insertion order.
    package var pythonText: String {
        if case .string(let s) = self { return s }
        var out = ""
        writePythonRepr(into: &out)
        return out
    }

    private func writePythonRepr(into out: inout String) {
        switch self {
        case .null: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .double(let d): out += JSONValue.formatDouble(d)
        case .string(let s): JSONValue.writePythonStringRepr(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.writePythonRepr(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += ", " }
                JSONValue.writePythonStringRepr(key, into: &out)
                out += ": "
                members[key]!.writePythonRepr(into: &out)
            }
            out += "}"
        }
    }

    /// Python's `repr(str)`: single quotes unless the text holds a single quote and no double quote.
    private static func writePythonStringRepr(_ s: String, into out: inout String) {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        out.append(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\\(quote)"
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
    }
}
