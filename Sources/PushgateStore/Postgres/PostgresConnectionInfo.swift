import CLibPQ
import Foundation
import PushgateCore

/// A libpq connection string, either a URI (`postgres://user:pw@host:5432/db?sslmode=require`) or
/// key=value pairs (`host=... dbname=... sslmode=verify-full`), kept private, with a form that may be shown
/// (`postgres://user@host:5432/db`) and a scrubber that removes the password from any text, since libpq and
/// the server can echo parts of the string (a bad option, a database or role name) back in their errors.
package struct PostgresConnectionInfo: Sendable, CustomStringConvertible {
    /// The string as given; passed only to libpq, never printed.
    let conninfo: String
    /// The connection without its password, for messages.
    package let displayName: String
    /// Every spelling of the password that may appear in a message (as given and percent-encoded).
    private let secrets: [String]
    /// The string's own `options` (server settings such as `-c statement_timeout=5s`), which the session
    /// appends after its own so that they win.
    let serverOptions: String?

    /// True for `postgres://` / `postgresql://` URIs and for libpq key=value strings (`host=...`).
    package static func isConnectionString(_ text: String) -> Bool {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") { return true }
        // `keyword = value` (libpq's key/value form): spaces, a keyword of letters and `_`, spaces, `=`. Checked
        // by hand: an NSRegularExpression here cost every `pushgate` command a millisecond at start.
        var rest = Substring(text).drop { $0.isWhitespace }
        let keyword = rest.prefix { $0.isASCII && ($0.isLetter || $0 == "_") }
        guard !keyword.isEmpty else { return false }
        rest = rest.dropFirst(keyword.count).drop { $0.isWhitespace }
        return rest.first == "="
    }

    /// Parses `text` with libpq's own parser (so every libpq option, `sslmode` included, means what libpq
    /// says); a malformed string fails with `.invalidInput` and a message free of the password.
    package init(_ text: String) throws(StoreError) {
        conninfo = text
        var secrets = Self.roughPasswords(in: text)
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            self.secrets = Self.spellings(of: secrets)
            displayName = "the PostgreSQL database"
            let scrubbed = Self.scrub(message, removing: self.secrets)
            throw StoreError(.invalidInput, "invalid PostgreSQL connection string: \(scrubbed.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        if let password = values["password"], !password.isEmpty { secrets.append(password) }
        self.secrets = Self.spellings(of: secrets)
        serverOptions = values["options"].flatMap { $0.isEmpty ? nil : $0 }
        let user = values["user"].map { $0 + "@" } ?? ""
        let host = values["host"] ?? values["hostaddr"] ?? "localhost"
        let port = values["port"].map { ":" + $0 } ?? ""
        // Scrubbed too: a user or database name may be the password itself.
        displayName = Self.scrub("postgres://\(user)\(host)\(port)/\(values["dbname"] ?? "")", removing: self.secrets)
    }

    package var description: String { displayName }

    /// `text` with every spelling of the password replaced by `***`.
    package func scrub(_ text: String) -> String { Self.scrub(text, removing: secrets) }

    private static func scrub(_ text: String, removing secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty { result = result.replacingOccurrences(of: secret, with: "***") }
        return result
    }

    /// Longest first, so a longer spelling is not left half-replaced by a shorter one.
    private static func spellings(of passwords: [String]) -> [String] {
        var all = Set<String>()
        for password in passwords where !password.isEmpty {
            all.insert(password)
            if let decoded = password.removingPercentEncoding { all.insert(decoded) }
            if let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { all.insert(encoded) }
        }
        return all.sorted { $0.count > $1.count }
    }

    /// Passwords found by plain text inspection, for strings libpq cannot parse: the URI's userinfo
    /// password, `password=` query parameters and `password=` key=value pairs (quoted or not).
    private static func roughPasswords(in text: String) -> [String] {
        var found: [String] = []
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                found.append(String(authority[authority.index(after: colon)..<at]))
            }
        }
        let pattern = #"password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&]+)"#
        if let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) {
            let range = NSRange(text.startIndex..., in: text)
            for match in regex.matches(in: text, range: range) {
                guard let valueRange = Range(match.range(at: 1), in: text) else { continue }
                var value = String(text[valueRange])
                if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                    found.append(value)
                    value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\'", with: "'")
                }
                found.append(value)
            }
        }
        return found
    }
}
