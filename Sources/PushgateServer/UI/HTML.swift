/// Markup for the web pages. Interpolating a `String` escapes it and interpolating `HTML` inserts it as is,
/// so a page cannot show user input (run names, job variables, provider messages) unescaped by accident.
package struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    package private(set) var text: String

    /// A literal is trusted markup written in this module.
    package init(stringLiteral value: String) { text = value }

    package init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    /// Already-safe markup (built from escaped parts).
    package init(trusted text: String) { self.text = text }

    package var description: String { text }

    /// The one escaping function: text safe inside an element and inside a double- or single-quoted attribute.
    package static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    package static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.text + rhs.text) }

    /// The parts one after the other.
    package static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(trusted: parts.map(\.text).joined(separator: separator.text))
    }

    package struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        package init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + 16 * interpolationCount) }
        package mutating func appendLiteral(_ literal: String) { text += literal }
        package mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        package mutating func appendInterpolation(_ value: String?) { text += HTML.escape(value ?? "") }
        package mutating func appendInterpolation(_ value: Int) { text += String(value) }
        package mutating func appendInterpolation(_ value: HTML) { text += value.text }
        package mutating func appendInterpolation(_ values: [HTML]) { text += values.map(\.text).joined() }
    }
}
