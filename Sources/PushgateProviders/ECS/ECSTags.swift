import PushgateCore

/// ECS tag rules (docs/provider-apis.md §2.3; AWS tagging rules): at most 50 tags, keys up to 128 and values
/// up to 256 characters of letters, digits, spaces and `_ . : / = + - @`, no `aws:` key prefix.
/// Prefect slugifies with `[^a-zA-Z0-9_./=+:@-]`; pushgate replaces each other character with `_`.
package enum ECSTags {
    package static let maxCount = 50
    package static let maxKeyLength = 128
    package static let maxValueLength = 256

    /// The tag pushgate puts on every task so a run can be found by its idempotency key.
    package static let idempotencyKey = "pushgate.io/idempotency-key"
    /// The tag on task definitions carrying the hash of their content (reuse without re-registering).
    package static let definitionHash = "pushgate.io/definition-hash"
    /// The tag on task definitions registered for one run (auto-deregister): that run's idempotency key.
    package static let registeredFor = "pushgate.io/registered-for"

    /// `text` with every character outside the tag alphabet replaced by `_`, cut to `maxLength` characters.
    package static func sanitize(_ text: String, maxLength: Int) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(maxLength) {
            out.append(isAllowed(scalar) ? scalar : "_")
        }
        return String(out)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "A"..."Z", "a"..."z", "_", ".", "/", "=", "+", ":", "@", "-", " ": return true
        default: return false
        }
    }

    /// `[{key, value}]` from `tags` (later entries win per key), sanitised, sorted by key, `aws:` keys
    /// renamed `aws_…` (AWS reserves the prefix).
    package static func list(_ tags: [(key: String, value: String)]) -> [JSONValue] {
        var merged: [String: String] = [:]
        for tag in tags {
            var key = sanitize(tag.key, maxLength: maxKeyLength)
            if key.lowercased().hasPrefix("aws:") { key = "aws_" + key.dropFirst(4) }
            guard !key.isEmpty else { continue }
            merged[key] = sanitize(tag.value, maxLength: maxValueLength)
        }
        return merged.keys.sorted().map { key in .object(["key": .string(key), "value": .string(merged[key]!)]) }
    }
}
