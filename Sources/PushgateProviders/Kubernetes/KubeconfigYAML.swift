import PushgateCore

/// Reads the YAML subset kubeconfigs are written in (kubectl, kind, minikube, k3s, `aws eks update-kubeconfig`,
/// `gcloud container clusters get-credentials`) into a ``JSONValue``, so ``KubeconfigFile`` reads YAML and JSON
/// the same way after it. Sections cited are YAML 1.2.2's (yaml.org/spec/1.2.2): block mappings and sequences
/// (YAML 1.2.2 §8.2), plain and quoted scalars over one or more lines (YAML 1.2.2 §7.3), block scalars
/// (YAML 1.2.2 §8.1), one-line flow collections (YAML 1.2.2 §7.4), comments (YAML 1.2.2 §6.6), a leading
/// `---` (YAML 1.2.2 §9.1) and the core schema (YAML 1.2.2 §10.3.2). Anchors and aliases, tags, directives,
/// several documents, tab indentation and complex keys are refused at `FILE:LINE:COLUMN`, not guessed. Errors
/// name the key path and never quote a value, since a kubeconfig holds tokens and keys.
package struct KubeconfigYAML {
    /// The parsed document and, for each key and string scalar, the first line it is on (1-based), so checks
    /// made on the value can point at their line.
    package struct Document: Sendable {
        package var value: JSONValue
        package var lines: [String: Int]
    }

    /// The limits JSON kubeconfigs have too (``JSONParser``): nesting depth and size.
    static let maxDepth = 64
    static let maxBytes = 1 << 20

    private typealias Line = [Unicode.Scalar]
    private var lines: [Line]
    private let path: String
    /// The next line to read.
    private var row = 0
    private var keyPath: [String] = []
    private var firstLines: [String: Int] = [:]

    private init(_ text: String, path: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var lines: [Line] = []
        var current: Line = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" {
                lines.append(current)
                current = []
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
            } else {
                current.append(scalar)
            }
            index += 1
        }
        lines.append(current)
        self.lines = lines
        self.path = path
    }

    /// Parses `text`, a kubeconfig read from `path` (named in errors).
    /// - Throws: ``CredentialsError`` `.invalidFile` with `path:line:column`, what was found, and the key path.
    package static func parse(_ text: String, path: String) throws -> Document {
        if text.utf8.count > maxBytes {
            throw CredentialsError(.invalidFile, "\(path):1:1: found a file larger than \(maxBytes >> 20) MiB, the limit of a kubeconfig")
        }
        var reader = KubeconfigYAML(text, path: path)
        let value = try reader.document()
        return Document(value: value, lines: reader.firstLines)
    }

    // MARK: Document (YAML 1.2.2 §9)

    private mutating func document() throws -> JSONValue {
        guard var start = try nextContent(from: 0) else { return .null }
        if lines[start].first == "%" { throw fail(start, 0, "found a directive (%); directives are not supported") }
        var value = JSONValue.null
        if isMarker(start, "-") {
            let after = skipSpaces(start, 3)
            if after < lines[start].count, lines[start][after] != "#" {
                value = try node(start, after, parent: -1, collections: false)
            } else {
                row = start + 1
                value = try blockNode(parent: -1, sequenceAtParent: false)
            }
        } else {
            row = start
            value = try blockNode(parent: -1, sequenceAtParent: false)
        }
        guard let next = try nextContent(from: row) else { return value }
        start = next
        if isMarker(start, ".") {
            let after = skipSpaces(start, 3)
            if after < lines[start].count, lines[start][after] != "#" { throw fail(start, after, "found text after the document end marker (...)") }
            guard let more = try nextContent(from: start + 1) else { return value }
            throw fail(more, 0, "found a second document; a kubeconfig is one YAML document")
        }
        if isMarker(start, "-") { throw fail(start, 0, "found a second document (---); a kubeconfig is one YAML document") }
        throw fail(start, indent(start), "found text indented less than the node before it ended")
    }

    // MARK: Block nodes (YAML 1.2.2 §8)

    /// The node of a key or `-` with nothing after it on its line: on the following lines, indented more than
    /// `parent`, or a block sequence at `parent` itself when the key belongs to a mapping (YAML 1.2.2 §8.2.1).
    private mutating func blockNode(parent: Int, sequenceAtParent: Bool) throws -> JSONValue {
        guard let next = try nextContent(from: row), !isMarker(next, "-"), !isMarker(next, ".") else { return .null }
        let column = indent(next)
        if column > parent || (sequenceAtParent && column == parent && isEntry(next, column)) {
            return try node(next, column, parent: parent, collections: true)
        }
        return .null
    }

    /// The node starting at `line`, `column`; `collections` allows a block mapping or sequence to start there
    /// (at a line's start or after `- `), which is not allowed after `key: ` (YAML 1.2.2 §8.2.2).
    private mutating func node(_ line: Int, _ column: Int, parent: Int, collections: Bool) throws -> JSONValue {
        try checkDepth(line, column)
        let text = lines[line]
        let first = text[column]
        let next: Unicode.Scalar? = column + 1 < text.count ? text[column + 1] : nil
        let separated = next == nil || next == " " || next == "\t"
        try refuseIndicator(line, column)
        switch first {
        case ",", "]", "}": throw fail(line, column, "found \(first) outside a flow collection")
        case "?" where separated: throw fail(line, column, "found a complex key (?); only plain and quoted keys are supported")
        case "-" where separated:
            guard collections else { throw fail(line, column, "found a block sequence on the same line as its key") }
            return try sequence(line, column)
        case "|", ">":
            return try blockScalar(line, column, parent: parent)
        case "[", "{":
            var index = column
            let value = try flowNode(line, &index)
            let after = skipSpaces(line, index)
            if after < text.count, text[after] == ":" {
                throw fail(line, column, "found a flow collection as a key; complex keys are not supported")
            }
            try endOfLine(line, after, "a flow collection")
            row = line + 1
            return value
        default:
            if try key(line, column) != nil {
                guard collections else { throw fail(line, column, "found a mapping on the same line as its key (a nested key: value)") }
                return try mapping(line, column)
            }
            if first == "\"" || first == "'" { return try quotedScalar(line, column, parent: parent) }
            return try plainScalar(line, column, parent: parent)
        }
    }

    /// A block mapping whose keys are at `column`; the first key is at `line` (YAML 1.2.2 §8.2.2).
    private mutating func mapping(_ line: Int, _ column: Int) throws -> JSONValue {
        var object: [String: JSONValue] = [:]
        var line = line
        while true {
            try refuseIndicator(line, column)
            let first = lines[line][column]
            if first == "?" || first == "[" || first == "{" {
                throw fail(line, column, "found a complex key (\(first)); only plain and quoted keys are supported")
            }
            guard let (name, colon) = try key(line, column) else {
                throw fail(line, column, "found text where a mapping key (key: value) was expected")
            }
            if object[name] != nil { throw fail(line, column, "found the key '\(name)' twice in one mapping") }
            keyPath.append(name)
            note(name, line)
            let start = skipSpaces(line, colon + 1)
            let value: JSONValue
            if start >= lines[line].count || lines[line][start] == "#" {
                row = line + 1
                value = try blockNode(parent: column, sequenceAtParent: true)
            } else {
                value = try node(line, start, parent: column, collections: false)
            }
            object[name] = value
            keyPath.removeLast()
            guard let next = try nextContent(from: row), !isMarker(next, "-"), !isMarker(next, "."), indent(next) >= column else { break }
            if indent(next) > column { throw fail(next, indent(next), "found text indented more than the keys of its mapping") }
            if isEntry(next, column) { throw fail(next, column, "found a sequence entry (-) where a mapping key was expected") }
            line = next
        }
        return .object(object)
    }

    /// A block sequence whose `-` are at `column`; the first is at `line` (YAML 1.2.2 §8.2.1).
    private mutating func sequence(_ line: Int, _ column: Int) throws -> JSONValue {
        var items: [JSONValue] = []
        var line = line
        while true {
            keyPath.append("[\(items.count)]")
            var start = column + 1
            while start < lines[line].count, lines[line][start] == " " { start += 1 }
            if start < lines[line].count, lines[line][start] == "\t" { throw fail(line, start, "found a tab after a sequence entry's -") }
            if start >= lines[line].count || lines[line][start] == "#" {
                row = line + 1
                items.append(try blockNode(parent: column, sequenceAtParent: false))
            } else {
                items.append(try node(line, start, parent: column, collections: true))
            }
            keyPath.removeLast()
            guard let next = try nextContent(from: row), !isMarker(next, "-"), !isMarker(next, "."), indent(next) >= column else { break }
            if indent(next) > column { throw fail(next, indent(next), "found text indented more than the entries of its sequence") }
            guard isEntry(next, column) else { break }
            line = next
        }
        return .array(items)
    }

    // MARK: Block scalars (YAML 1.2.2 §8.1)

    private mutating func blockScalar(_ line: Int, _ column: Int, parent: Int) throws -> JSONValue {
        let folded = lines[line][column] == ">"
        var keep: Bool?  // nil: clip, false: strip, true: keep (YAML 1.2.2 §8.1.1.2)
        var explicit: Int?
        var index = column + 1
        while index < lines[line].count, index < column + 3 {
            let scalar = lines[line][index]
            if scalar == "-" || scalar == "+", keep == nil {
                keep = scalar == "+"
            } else if scalar.value >= 49, scalar.value <= 57, explicit == nil {
                explicit = Int(scalar.value) - 48
            } else {
                break
            }
            index += 1
        }
        let after = skipSpaces(line, index)
        if after < lines[line].count, !(lines[line][after] == "#" && after > index) {
            throw fail(line, after, "found text after the block scalar header (|, >, an indentation digit and -/+ only)")
        }
        let bodyStart = line + 1
        var contentIndent: Int
        if let explicit {
            contentIndent = max(parent, 0) + explicit
        } else {
            var widestBlank = 0
            var probe = bodyStart
            while probe < lines.count, lines[probe].allSatisfy({ $0 == " " }) {
                widestBlank = max(widestBlank, lines[probe].count)
                probe += 1
            }
            if probe < lines.count, indent(probe) > parent, indent(probe) < lines[probe].count {
                contentIndent = indent(probe)
                if widestBlank > contentIndent {
                    throw fail(probe - 1, contentIndent, "found a leading empty line of a block scalar indented more than its first line")
                }
            } else {
                // No non-empty line: the longest empty line sets the indentation (YAML 1.2.2 §8.1.1.1).
                contentIndent = max(parent + 1, widestBlank)
            }
        }
        // Each body line: its text after the indentation, or nil for an empty line.
        var body: [[Unicode.Scalar]?] = []
        var probe = bodyStart
        while probe < lines.count {
            let text = lines[probe]
            if indent(probe) >= contentIndent && !(contentIndent == 0 && (isMarker(probe, "-") || isMarker(probe, "."))) {
                body.append(text.count == contentIndent ? nil : Array(text[contentIndent...]))
            } else if text.allSatisfy({ $0 == " " }) {
                body.append(nil)
            } else {
                break
            }
            probe += 1
        }
        row = probe
        // A body line ends with a line break unless it is the file's last line.
        let lastLine = lines.count - 1
        let lastHasBreak = { (offset: Int) in bodyStart + offset < lastLine }
        var out = String.UnicodeScalarView()
        guard let firstText = body.firstIndex(where: { $0 != nil }), let lastText = body.lastIndex(where: { $0 != nil }) else {
            if keep == true { for offset in body.indices where lastHasBreak(offset) { out.append("\n") } }
            note(String(out), line)
            return .string(String(out))
        }
        for _ in 0..<firstText { out.append("\n") }
        var previous: [Unicode.Scalar]?
        var empties = 0
        for offset in firstText...lastText {
            guard let text = body[offset] else {
                empties += 1
                continue
            }
            if let previous {
                let plain = { (line: [Unicode.Scalar]) in line.first != " " && line.first != "\t" }
                if folded, plain(previous), plain(text) {
                    if empties == 0 { out.append(" ") }
                } else {
                    out.append("\n")
                }
                for _ in 0..<empties { out.append("\n") }
            }
            out.append(contentsOf: text)
            previous = text
            empties = 0
        }
        if keep != false, lastHasBreak(lastText) { out.append("\n") }
        if keep == true { for offset in (lastText + 1)..<body.count where lastHasBreak(offset) { out.append("\n") } }
        let value = String(out)
        note(value, line)
        return .string(value)
    }

    // MARK: Flow scalars (YAML 1.2.2 §7.3)

    /// A plain scalar, continued on lines indented more than `parent` (folded, YAML 1.2.2 §6.5), typed by the core schema.
    private mutating func plainScalar(_ line: Int, _ column: Int, parent: Int) throws -> JSONValue {
        let first = lines[line][column]
        if first == "#" { throw fail(line, column, "found a comment where a value was expected") }
        var (text, stop) = plainRun(line, column, flow: false)
        if text.isEmpty || (stop < lines[line].count && lines[line][stop] == ":") {
            throw fail(line, stop, "found : where a value was expected")
        }
        var out = text
        var last = line
        var ended = stop < lines[line].count  // a comment ends the scalar
        var probe = line + 1
        var empties = 0
        while !ended, probe < lines.count {
            let current = lines[probe]
            if current.allSatisfy({ $0 == " " || $0 == "\t" }) {
                empties += 1
                probe += 1
                continue
            }
            let spaces = indent(probe)
            if spaces <= parent || isMarker(probe, "-") || isMarker(probe, ".") { break }
            let start = skipSpaces(probe, spaces)
            if current[start] == "#" { break }
            (text, stop) = plainRun(probe, start, flow: false)
            if stop < current.count, current[stop] == ":" {
                throw fail(probe, stop, "found a key (:) inside a plain scalar that spans lines")
            }
            out.append(contentsOf: empties == 0 ? " ".unicodeScalars : String(repeating: "\n", count: empties).unicodeScalars)
            out.append(contentsOf: text)
            empties = 0
            last = probe
            ended = stop < current.count
            probe += 1
        }
        row = last + 1
        let value = Self.resolve(String(out))
        if case .string(let string) = value { note(string, line) }
        return value
    }

    /// The plain text from `column` on `line` up to `: `, ` #` (and `,[]{}` in flow context), trailing spaces
    /// dropped, and where it stopped (YAML 1.2.2 §7.3.3).
    private func plainRun(_ line: Int, _ column: Int, flow: Bool) -> (String.UnicodeScalarView, Int) {
        let text = lines[line]
        var index = column
        var end = column
        while index < text.count {
            let scalar = text[index]
            let next: Unicode.Scalar? = index + 1 < text.count ? text[index + 1] : nil
            if scalar == ":", next == nil || next == " " || next == "\t" || (flow && ",[]{}".unicodeScalars.contains(next!)) { break }
            if scalar == "#", index > column, text[index - 1] == " " || text[index - 1] == "\t" { break }
            if flow, ",[]{}".unicodeScalars.contains(scalar) { break }
            index += 1
            if scalar != " " && scalar != "\t" { end = index }
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text[column..<end])
        return (out, index)
    }

    /// A single- or double-quoted scalar, possibly over several lines (folded, YAML 1.2.2 §7.3.1, YAML 1.2.2 §7.3.2), then the end of
    /// its line.
    private mutating func quotedScalar(_ line: Int, _ column: Int, parent: Int) throws -> JSONValue {
        var endLine = line
        var index = column
        let text = try quoted(&endLine, &index, parent: parent, flow: false)
        try endOfLine(endLine, skipSpaces(endLine, index), "a quoted scalar")
        row = endLine + 1
        note(text, line)
        return .string(text)
    }

    /// Reads the quoted scalar at `line`, `index` and leaves both just past its closing quote. In flow context it
    /// must close on its line.
    private func quoted(_ line: inout Int, _ index: inout Int, parent: Int, flow: Bool) throws -> String {
        let startLine = line
        let startColumn = index
        let quote = lines[line][index]
        var out = String.UnicodeScalarView()
        var trailingBlanks = 0  // unescaped spaces and tabs at the end of `out`, dropped at a line break
        index += 1
        while true {
            let text = lines[line]
            if index >= text.count {
                guard !flow else { throw fail(startLine, startColumn, "found a quoted scalar that spans lines inside a flow collection") }
                out.removeLast(trailingBlanks)
                trailingBlanks = 0
                try foldBreak(&line, &index, parent: parent, start: (startLine, startColumn), into: &out, escaped: false)
                continue
            }
            let scalar = text[index]
            if scalar == quote {
                if quote == "'", index + 1 < text.count, text[index + 1] == "'" {
                    out.append("'")
                    trailingBlanks = 0
                    index += 2
                    continue
                }
                index += 1
                return String(out)
            }
            if quote == "\"", scalar == "\\" {
                index += 1
                guard index < text.count else {
                    guard !flow else { throw fail(startLine, startColumn, "found a quoted scalar that spans lines inside a flow collection") }
                    try foldBreak(&line, &index, parent: parent, start: (startLine, startColumn), into: &out, escaped: true)
                    trailingBlanks = 0
                    continue
                }
                out.append(try escape(line, &index))
                trailingBlanks = 0
                continue
            }
            out.append(scalar)
            trailingBlanks = scalar == " " || scalar == "\t" ? trailingBlanks + 1 : 0
            index += 1
        }
    }

    /// Crosses the line break(s) inside a quoted scalar: one break becomes a space, each empty line a `\n`;
    /// an escaped break (`\` at the line's end) adds nothing (YAML 1.2.2 §7.3.1, YAML 1.2.2 §6.5).
    private func foldBreak(
        _ line: inout Int,
        _ index: inout Int,
        parent: Int,
        start: (Int, Int),
        into out: inout String.UnicodeScalarView,
        escaped: Bool
    ) throws {
        var empties = 0
        line += 1
        while line < lines.count, lines[line].allSatisfy({ $0 == " " || $0 == "\t" }) {
            empties += 1
            line += 1
        }
        guard line < lines.count else { throw fail(start.0, start.1, "found a quoted scalar that is never closed") }
        if indent(line) <= parent || isMarker(line, "-") || isMarker(line, ".") {
            throw fail(line, indent(line), "found a continuation line of a quoted scalar not indented more than its parent")
        }
        index = skipSpaces(line, 0)
        if empties > 0 {
            out.append(contentsOf: String(repeating: "\n", count: empties).unicodeScalars)
        } else if !escaped {
            out.append(" ")
        }
    }

    /// One escape sequence after `\` in a double-quoted scalar (YAML 1.2.2 §5.7); `index` is on its first character.
    private func escape(_ line: Int, _ index: inout Int) throws -> Unicode.Scalar {
        let text = lines[line]
        let letter = text[index]
        index += 1
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "0": "\0", "a": "\u{07}", "b": "\u{08}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{0B}", "f": "\u{0C}",
            "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\", "N": "\u{85}", "_": "\u{A0}",
            "L": "\u{2028}", "P": "\u{2029}",
        ]
        if let mapped = simple[letter] { return mapped }
        let width: Int
        switch letter {
        case "x": width = 2
        case "u": width = 4
        case "U": width = 8
        default: throw fail(line, index - 2, "found an unknown escape sequence in a double-quoted scalar")
        }
        guard index + width <= text.count, let code = UInt32(String(String.UnicodeScalarView(text[index..<index + width])), radix: 16),
            let scalar = Unicode.Scalar(code)
        else {
            throw fail(line, index - 2, "found an escape sequence that is not \(width) hex digits naming a Unicode scalar")
        }
        index += width
        return scalar
    }

    // MARK: Flow collections (YAML 1.2.2 §7.4, YAML 1.2.2 §7.5)

    /// A flow node of a one-line flow collection at `line`, `index` (left just past it).
    private mutating func flowNode(_ line: Int, _ index: inout Int) throws -> JSONValue {
        try checkDepth(line, index)
        index = skipSpaces(line, index)
        let text = lines[line]
        guard index < text.count else { throw fail(line, index, "found a flow collection that spans lines; write it on one line") }
        let first = text[index]
        switch first {
        case "[":
            index += 1
            var items: [JSONValue] = []
            while true {
                index = skipSpaces(line, index)
                guard index < text.count else { throw fail(line, index, "found a flow collection that spans lines; write it on one line") }
                if text[index] == "]" {
                    index += 1
                    return .array(items)
                }
                keyPath.append("[\(items.count)]")
                items.append(try flowNode(line, &index))
                keyPath.removeLast()
                index = skipSpaces(line, index)
                if index < text.count, text[index] == ":" {
                    throw fail(line, index, "found a key: value pair inside a flow sequence; it is not supported")
                }
                try flowSeparator(line, &index, closing: "]")
            }
        case "{":
            index += 1
            var object: [String: JSONValue] = [:]
            while true {
                index = skipSpaces(line, index)
                guard index < text.count else { throw fail(line, index, "found a flow collection that spans lines; write it on one line") }
                if text[index] == "}" {
                    index += 1
                    return .object(object)
                }
                let keyColumn = index
                if "[{?".unicodeScalars.contains(text[index]) {
                    throw fail(line, index, "found a complex key in a flow mapping; only plain and quoted keys are supported")
                }
                let key = try flowNode(line, &index)
                let name: String
                switch key {
                case .string(let string): name = string
                case .null: throw fail(line, keyColumn, "found an empty key in a flow mapping")
                case .bool(let value): name = String(value)
                case .int(let value): name = String(value)
                default: throw fail(line, keyColumn, "found a key in a flow mapping that is not a string")
                }
                if object[name] != nil { throw fail(line, keyColumn, "found the key '\(name)' twice in one mapping") }
                note(name, line)
                index = skipSpaces(line, index)
                var value = JSONValue.null
                if index < text.count, text[index] == ":" {
                    index += 1
                    index = skipSpaces(line, index)
                    if index < text.count, text[index] != ",", text[index] != "}" {
                        keyPath.append(name)
                        value = try flowNode(line, &index)
                        keyPath.removeLast()
                    }
                }
                object[name] = value
                try flowSeparator(line, &index, closing: "}")
            }
        case "\"", "'":
            var end = line
            let value = try quoted(&end, &index, parent: -1, flow: true)
            note(value, line)
            return .string(value)
        case "&", "*", "!", "|", ">", "#", "%", "@", "`", ",", "]", "}":
            try refuseIndicator(line, index)
            throw fail(line, index, "found \(first) where a flow collection value was expected")
        default:
            let next: Unicode.Scalar = index + 1 < text.count ? text[index + 1] : " "
            if "-?:".unicodeScalars.contains(first), next == " " || next == "\t" || ",[]{}".unicodeScalars.contains(next) {
                throw fail(line, index, "found \(first) where a flow collection value was expected")
            }
            let (run, stop) = plainRun(line, index, flow: true)
            if run.isEmpty { throw fail(line, index, "found : where a flow collection value was expected") }
            index = stop
            let value = Self.resolve(String(run))
            if case .string(let string) = value { note(string, line) }
            return value
        }
    }

    /// After a flow entry: a `,` (then more, or the end) or the `closing` bracket, left for the caller.
    private func flowSeparator(_ line: Int, _ index: inout Int, closing: Unicode.Scalar) throws {
        index = skipSpaces(line, index)
        let text = lines[line]
        guard index < text.count else { throw fail(line, index, "found a flow collection that spans lines; write it on one line") }
        if text[index] == "," {
            index += 1
        } else if text[index] != closing {
            throw fail(line, index, "found more text where , or \(closing) was expected in a flow collection")
        }
    }

    // MARK: Lines

    /// Anchors, aliases, tags and the reserved indicators are refused wherever a node or key may start.
    private func refuseIndicator(_ line: Int, _ column: Int) throws {
        switch lines[line][column] {
        case "&": throw fail(line, column, "found an anchor (&); anchors and aliases are not supported")
        case "*": throw fail(line, column, "found an alias (*); anchors and aliases are not supported")
        case "!": throw fail(line, column, "found a tag (!); tags are not supported")
        case "%", "@", "`": throw fail(line, column, "found the reserved indicator \(lines[line][column])")
        default: return
        }
    }

    /// The key at `line`, `column` and the column of its `:` when an implicit key starts there: a one-line
    /// plain or quoted scalar followed by `:` and a space or the line's end (YAML 1.2.2 §7.4, YAML 1.2.2 §8.2.2).
    private func key(_ line: Int, _ column: Int) throws -> (String, Int)? {
        let text = lines[line]
        let first = text[column]
        if first == "\"" || first == "'" {
            var end = line
            var index = column
            guard let name = try? quoted(&end, &index, parent: -1, flow: true), end == line else { return nil }
            let colon = skipSpaces(line, index)
            guard colon < text.count, text[colon] == ":", colon + 1 == text.count || text[colon + 1] == " " || text[colon + 1] == "\t"
            else { return nil }
            return (name, colon)
        }
        if "#&*!|>%@`,[]{}\"'".unicodeScalars.contains(first) { return nil }
        if "-?:".unicodeScalars.contains(first), column + 1 == text.count || text[column + 1] == " " { return nil }
        let (run, stop) = plainRun(line, column, flow: false)
        guard stop < text.count, text[stop] == ":" else { return nil }
        return (String(run), stop)
    }

    /// The first line at or after `start` holding more than spaces, tabs and a comment; its indentation must
    /// be spaces (YAML 1.2.2 §6.1).
    private func nextContent(from start: Int) throws -> Int? {
        var line = start
        while line < lines.count {
            let text = lines[line]
            let first = text.firstIndex { $0 != " " && $0 != "\t" }
            if let first, text[first] != "#" {
                if let tab = text[..<first].firstIndex(of: "\t") {
                    throw fail(line, tab, "found a tab in the indentation; YAML indents with spaces only")
                }
                return line
            }
            line += 1
        }
        return nil
    }

    /// Whether `line` at `column` is a block sequence entry: `-` then a space or the line's end.
    private func isEntry(_ line: Int, _ column: Int) -> Bool {
        let text = lines[line]
        return column < text.count && text[column] == "-" && (column + 1 == text.count || text[column + 1] == " " || text[column + 1] == "\t")
    }

    /// Whether `line` starts with a document marker `---` or `...` (`mark` is `-` or `.`).
    private func isMarker(_ line: Int, _ mark: Unicode.Scalar) -> Bool {
        let text = lines[line]
        return text.count >= 3 && text[0] == mark && text[1] == mark && text[2] == mark && (text.count == 3 || text[3] == " " || text[3] == "\t")
    }

    private func indent(_ line: Int) -> Int {
        lines[line].firstIndex { $0 != " " } ?? lines[line].count
    }

    private func skipSpaces(_ line: Int, _ column: Int) -> Int {
        var index = column
        while index < lines[line].count, lines[line][index] == " " || lines[line][index] == "\t" { index += 1 }
        return index
    }

    /// What follows a value on its line may only be spaces and a comment (YAML 1.2.2 §6.6).
    private func endOfLine(_ line: Int, _ index: Int, _ what: String) throws {
        let text = lines[line]
        guard index < text.count else { return }
        if text[index] == "#", index > 0, text[index - 1] == " " || text[index - 1] == "\t" { return }
        if text[index] == ":" { throw fail(line, index, "found a key (:) after \(what) that is not a one-line key") }
        throw fail(line, index, "found text after \(what) on its line")
    }

    /// Every mapping entry and sequence item adds to the key path, so its length is the nesting depth.
    private func checkDepth(_ line: Int, _ column: Int) throws {
        if keyPath.count >= Self.maxDepth {
            throw CredentialsError(.invalidFile, "\(path):\(line + 1):\(column + 1): found collections nested deeper than \(Self.maxDepth) levels")
        }
    }

    private mutating func note(_ text: String, _ line: Int) {
        if firstLines[text] == nil { firstLines[text] = line + 1 }
    }

    private func fail(_ line: Int, _ column: Int, _ message: String) -> CredentialsError {
        let place = keyPath.isEmpty ? "" : " (in \(keyPath.reduce("") { $1.hasPrefix("[") || $0.isEmpty ? $0 + $1 : $0 + "." + $1 }))"
        return CredentialsError(.invalidFile, "\(path):\(line + 1):\(column + 1): \(message)\(place)")
    }

    // MARK: Core schema (YAML 1.2.2 §10.3.2)

    /// The core schema's reading of a plain scalar: null, booleans, integers (decimal, `0o` octal, `0x` hex),
    /// floats, and strings for everything else.
    static func resolve(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let scalars = Array(text.unicodeScalars)
        let digits = { (from: Int, allowed: String) in
            from < scalars.count && scalars[from...].allSatisfy { allowed.unicodeScalars.contains($0) }
        }
        if text.hasPrefix("0o"), digits(2, "01234567") { return Int64(text.dropFirst(2), radix: 8).map(JSONValue.int) ?? .string(text) }
        if text.hasPrefix("0x"), digits(2, "0123456789abcdefABCDEF") {
            return Int64(text.dropFirst(2), radix: 16).map(JSONValue.int) ?? .string(text)
        }
        let signed = scalars.first == "-" || scalars.first == "+" ? 1 : 0
        if digits(signed, "0123456789") { return Int64(text).map(JSONValue.int) ?? Double(text).map(JSONValue.double) ?? .string(text) }
        if isFloat(scalars[signed...]), let value = Double(text) { return .double(value) }
        return .string(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without its sign.
    private static func isFloat(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        var index = text.startIndex
        let isDigit = { (scalar: Unicode.Scalar) in scalar.value >= 48 && scalar.value <= 57 }
        var whole = 0
        while index < text.endIndex, isDigit(text[index]) {
            whole += 1
            index += 1
        }
        var fraction = 0
        if index < text.endIndex, text[index] == "." {
            index += 1
            while index < text.endIndex, isDigit(text[index]) {
                fraction += 1
                index += 1
            }
        }
        guard whole > 0 || fraction > 0 else { return false }
        if index < text.endIndex, text[index] == "e" || text[index] == "E" {
            index += 1
            if index < text.endIndex, text[index] == "-" || text[index] == "+" { index += 1 }
            var exponent = 0
            while index < text.endIndex, isDigit(text[index]) {
                exponent += 1
                index += 1
            }
            guard exponent > 0 else { return false }
        }
        return index == text.endIndex
    }
}
