import Foundation

/// An `application/x-www-form-urlencoded` body (what an HTML form posts), and cookie headers.
package struct UIForm: Sendable, Equatable {
    package var fields: [(name: String, value: String)]

    package init(_ text: String) {
        fields = text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (UIForm.decode(parts[0]), parts.count > 1 ? UIForm.decode(parts[1]) : "")
        }
    }

    package subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    package static func == (lhs: UIForm, rhs: UIForm) -> Bool {
        lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    /// `+` is a space, then percent-decoding; malformed escapes stay as sent.
    static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Percent-encodes a query or form value (everything but unreserved characters).
    package static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// The value of cookie `name` in a `Cookie` header (RFC 6265 §5.4).
    package static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
