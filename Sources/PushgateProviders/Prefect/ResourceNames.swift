import Foundation
import PushgateSigning

/// Deterministic, valid resource names and labels derived from a run's idempotency key, so a repeated
/// create finds the same resource (Cloud Run `jobId`, ACI container-group name; docs/provider-apis.md §1.3,
/// §3.2, §4.2): lowercase letters, digits and `-`, starting with a letter, not ending in `-`, at most
/// 63 characters.
package enum ResourceNames {
    package static let maxLength = 63

    /// `key` made into a DNS-label-like name. Too long a key keeps a prefix plus 8 hex digits of its
    /// SHA-256, so distinct keys stay distinct.
    package static func dnsLabel(from key: String, maxLength: Int = ResourceNames.maxLength) -> String {
        var name = String(key.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" })
        while name.contains("--") { name = name.replacingOccurrences(of: "--", with: "-") }
        name = trimDashes(name)
        if name.first.map({ !$0.isLetter }) ?? true { name = "pg-" + name }
        name = trimDashes(name)
        if name.count > maxLength {
            let digest = HexEncoding.encode(Digest.sha256(key)).prefix(8)
            name = trimDashes(String(name.prefix(maxLength - 9))) + "-" + digest
        }
        return name
    }

    /// A Google Cloud label key or value: lowercase letters, digits, `_` and `-`, at most 63 characters;
    /// keys start with a letter (Prefect's `sanitize_labels_for_gcp`, docs/prefect-semantics.md §3.4).
    package static func gcpLabel(_ text: String, isKey: Bool) -> String {
        var label = String(text.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" ? $0 : "_" })
        if isKey, label.first.map({ !$0.isLetter }) ?? true { label = "l_" + label }
        return String(label.prefix(maxLength))
    }

    private static func trimDashes(_ text: String) -> String {
        String(text.drop { $0 == "-" }.reversed().drop { $0 == "-" }.reversed())
    }
}
