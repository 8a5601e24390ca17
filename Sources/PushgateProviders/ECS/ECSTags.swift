import PushgateCore

/// ECS tag rules (provider-apis.md §2.3; AWS tagging rules): at most 50 tags, keys up to 128 and values
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

    package static func sanitize(_ text: String, maxLength: Int) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let allowed =
                (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
                || (scalar.value >= 0x61 && scalar.value <= 0x7A) || "_./=+:@- ".unicodeScalars.contains(scalar)
            out.unicodeScalars.append(allowed ? scalar : "_")
        }
        return String(out.prefix(maxLength))
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
