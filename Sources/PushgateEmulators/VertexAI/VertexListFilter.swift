import Foundation

/// The part of Vertex AI's list filter syntax (AIP-160) the emulator understands: terms joined by `AND`,
/// each `labels.KEY=VALUE`, `labels.KEY:*`, `state=VALUE` or `display_name=VALUE`, values quoted or bare
/// (docs/provider-apis.md §9.3). Anything else is refused, as an unsupported filter is by the real API,
/// rather than matched loosely.
struct VertexListFilter: Equatable {
    enum Term: Equatable {
        case label(key: String, value: String)
        case labelExists(String)
        case state(String)
        case displayName(String)
    }

    var terms: [Term]

    /// Nil when `text` is not a filter the emulator can apply; an empty text matches everything.
    init?(_ text: String) {
        terms = []
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        for part in trimmed.split(separator: " AND ", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if part.hasPrefix("labels."), part.hasSuffix(":*") {
                let key = String(part.dropFirst("labels.".count).dropLast(2))
                guard !key.isEmpty else { return nil }
                terms.append(.labelExists(key))
                continue
            }
            guard let equals = part.firstIndex(of: "="), let value = Self.value(part[part.index(after: equals)...]) else { return nil }
            let field = String(part[..<equals])
            if field.hasPrefix("labels."), field.count > "labels.".count {
                terms.append(.label(key: String(field.dropFirst("labels.".count)), value: value))
            } else if field == "state" {
                terms.append(.state(value))
            } else if field == "display_name" {
                terms.append(.displayName(value))
            } else {
                return nil
            }
        }
    }

    /// A quoted (`"v"`) or bare value; nil for an unbalanced quote or a bare value with spaces.
    static func value(_ text: Substring) -> String? {
        if text.hasPrefix("\"") {
            guard text.count >= 2, text.hasSuffix("\"") else { return nil }
            let inner = text.dropFirst().dropLast()
            return inner.contains("\"") ? nil : String(inner)
        }
        return text.isEmpty || text.contains(" ") || text.contains("\"") ? nil : String(text)
    }

    func matches(labels: [String: String], state: String, displayName: String) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .label(let key, let value): return labels[key] == value
            case .labelExists(let key): return labels[key] != nil
            case .state(let value): return state == value
            case .displayName(let value): return displayName == value
            }
        }
    }
}
