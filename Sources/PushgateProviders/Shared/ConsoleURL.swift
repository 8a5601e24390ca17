import Foundation

/// Percent-encoding for one path segment or query value of a console link.
enum ConsoleURL {
    static func component(_ text: some StringProtocol) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return String(text).addingPercentEncoding(withAllowedCharacters: allowed) ?? String(text)
    }
}
