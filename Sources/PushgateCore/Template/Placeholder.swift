/// One `{{ name }}` placeholder found in a string, as Prefect's regex `({{\s*([\w\.\-\[\]$]+)\s*}})`
/// finds it (docs/prefect-semantics.md §1.3).
package struct Placeholder: Sendable, Hashable {
    /// How the name is resolved; checked in this order by Prefect's `determine_placeholder_type`.
    package enum Kind: String, Sendable {
        /// `prefect.blocks.…`: a block document. pushgate has no block store and rejects these.
        case blockDocument
        /// `prefect.variables.…`: a server variable. pushgate has no variable store and rejects these.
        case variable
        /// `$NAME`: an environment variable. Never read from the gateway's own environment.
        case environment
        /// A job variable.
        case standard
    }

    /// The whole match including braces and whitespace, e.g. `{{  cpu }}`.
    package var fullMatch: String
    /// The name between the braces, e.g. `cpu`.
    package var name: String
    /// Offsets of the match in the string's unicode scalars.
    package var range: Range<Int>

    package var kind: Kind {
        if name.hasPrefix("prefect.blocks.") { return .blockDocument }
        if name.hasPrefix("prefect.variables.") { return .variable }
        if name.hasPrefix("$") { return .environment }
        return .standard
    }

    /// Every placeholder in `text`, left to right, non-overlapping (like `re.findall`).
    package static func scan(_ text: String) -> [Placeholder] {
        // Fast reject: most strings have no "{{".
        guard text.utf8.count >= 5, text.utf8.contains(UInt8(ascii: "{")) else { return [] }
        let scalars = Array(text.unicodeScalars)
        var found: [Placeholder] = []
        var i = 0
        while i + 1 < scalars.count {
            guard scalars[i] == "{", scalars[i + 1] == "{" else {
                i += 1
                continue
            }
            if let match = matchAt(scalars, i) {
                found.append(match)
                i = match.range.upperBound
            } else {
                i += 1
            }
        }
        return found
    }

    private static func matchAt(_ s: [Unicode.Scalar], _ start: Int) -> Placeholder? {
        var j = start + 2
        // Regex backtracking never matters here: whitespace, name characters and "}" are disjoint sets.
        while j < s.count, isWhitespace(s[j]) { j += 1 }
        let nameStart = j
        while j < s.count, isNameCharacter(s[j]) { j += 1 }
        guard j > nameStart else { return nil }
        let nameEnd = j
        while j < s.count, isWhitespace(s[j]) { j += 1 }
        guard j + 1 < s.count, s[j] == "}", s[j + 1] == "}" else { return nil }
        j += 2
        var full = String.UnicodeScalarView()
        full.append(contentsOf: s[start..<j])
        var name = String.UnicodeScalarView()
        name.append(contentsOf: s[nameStart..<nameEnd])
        return Placeholder(fullMatch: String(full), name: String(name), range: start..<j)
    }

    /// Python's Unicode `\s`.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return c.value > 0x7F && c.properties.isWhitespace
        }
    }

    /// Python's Unicode `\w` plus `.`, `-`, `[`, `]` and `$`.
    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-", "[", "]", "$": return true
        default:
            guard c.value > 0x7F else { return false }
            let p = c.properties
            return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                || p.generalCategory == .spacingMark || p.generalCategory == .connectorPunctuation
        }
    }
}
