import Foundation

/// Where and why JSON text could not be parsed; `line` and `column` are 1-based (column counts bytes).
package struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable { case syntax, tooDeep, tooLarge, invalidUTF8 }
    package var code: Code
    package var message: String
    package var line: Int
    package var column: Int
    package var description: String { "\(line):\(column): \(message)" }
}

/// Limits that keep hostile input from exhausting the process.
package struct JSONParserLimits: Sendable {
    /// Maximum nesting of arrays and objects.
    package var maxDepth: Int
    /// Maximum input size in bytes.
    package var maxBytes: Int
    package init(maxDepth: Int = 64, maxBytes: Int = 1 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }
    /// The documented limits for templates and API bodies: depth 64, 1 MiB.
    package static let `default` = JSONParserLimits()
}

/// A strict RFC 8259 parser over UTF-8 bytes that keeps the int/float distinction and reports line and
/// column; duplicate keys keep the last value, as Python's `json` does.
///
/// It reads the input in place (no copy) and sizes each object's dictionary for the small objects job
/// variables hold (parsed on every submission), so they are never grown and rehashed key by key.
package struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private let limits: JSONParserLimits
    /// Members an object's dictionary is first sized for (it grows beyond, as any dictionary).
    private static let objectCapacity = 6

    private init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONParserLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    package static func parse(_ data: Data, limits: JSONParserLimits = .default) throws(JSONParseError) -> JSONValue {
        if data.count > limits.maxBytes {
            throw JSONParseError(
                code: .tooLarge,
                message: "input of \(data.count) bytes exceeds the limit of \(limits.maxBytes) bytes",
                line: 1,
                column: 1
            )
        }
        let result = data.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) in try parse(bytes: raw.bindMemory(to: UInt8.self), limits: limits) }
        }
        return try result.get()
    }

    package static func parse(_ text: String, limits: JSONParserLimits = .default) throws(JSONParseError) -> JSONValue {
        var text = text
        if text.utf8.count > limits.maxBytes { return try parse(Data(text.utf8), limits: limits) }
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(bytes: buffer, limits: limits) }
        }
        return try result.get()
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, limits: JSONParserLimits) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, limits: limits)
        parser.skipPrologue()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < parser.bytes.count {
            throw parser.error("unexpected content after the JSON value")
        }
        return value
    }

    /// Skips leading whitespace and a UTF-8 byte-order mark (editors write one).
    private mutating func skipPrologue() {
        skipWhitespace()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    private func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = 0
        while i < offset && i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    private func error(_ message: String, at offset: Int? = nil, code: JSONParseError.Code = .syntax) -> JSONParseError {
        let (line, column) = position(of: offset ?? index)
        return JSONParseError(code: code, message: message, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        let b = bytes[index]
        if b >= 0x21 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
        return String(format: "byte 0x%02X", b)
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { buffer -> Bool in
            guard start + count <= bytes.count else { return false }
            for i in 0..<count where bytes[start + i] != buffer[i] { return false }
            return true
        }
        guard matches else { throw error("invalid literal, expected '\(literal)'", at: start) }
        index += count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > limits.maxDepth {
            throw error("nesting deeper than the limit of \(limits.maxDepth)", code: .tooDeep)
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([:])
        }
        var object = [String: JSONValue](minimumCapacity: JSONParser.objectCapacity)
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()), expected a string key")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()), expected ':' after an object key")
            }
            index += 1
            skipWhitespace()
            object[key] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(object)
            }
            throw error("unexpected \(describeCurrent()), expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(array)
            }
            throw error("unexpected \(describeCurrent()), expected ',' or ']'")
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        // Fast path: no escapes.
        var scan = index
        var allBits: UInt8 = 0
        while scan < bytes.count {
            let b = bytes[scan]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[index..<scan])
                let text: String
                if allBits < 0x80 {
                    text = String(decoding: slice, as: UTF8.self)  // ASCII is valid UTF-8: nothing to repair
                } else {
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        throw error("invalid UTF-8 in string", at: start, code: .invalidUTF8)
                    }
                    text = s
                }
                index = scan + 1
                return text
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            allBits |= b
            scan += 1
        }
        var out: [UInt8] = Array(bytes[index..<scan])
        index = scan
        while true {
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                break
            }
            if b < 0x20 { throw error("control character in string must be escaped") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw error("unterminated escape", at: start) }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try parseHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: Array(String(Character(UnicodeScalar(scalar) ?? "\u{FFFD}")).utf8))
            default:
                throw error("invalid escape '\\\(Character(UnicodeScalar(e)))'", at: index - 2)
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw error("invalid UTF-8 in string", at: start, code: .invalidUTF8)
        }
        return s
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("invalid number", at: start)
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                throw error("leading zeros are not allowed in numbers", at: start)
            }
        } else {
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        var isFloat = false
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isFloat = true
            index += 1
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw error("expected a digit after the decimal point")
            }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isFloat = true
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw error("expected a digit in the exponent")
            }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        // Up to 18 digits cannot overflow Int64: accumulate them without making a String.
        if !isFloat {
            let negative = bytes[start] == UInt8(ascii: "-")
            let firstDigit = negative ? start + 1 : start
            if index - firstDigit <= 18 {
                var magnitude: Int64 = 0
                for i in firstDigit..<index { magnitude = magnitude * 10 + Int64(bytes[i] &- UInt8(ascii: "0")) }
                return .int(negative ? -magnitude : magnitude)
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if !isFloat, let i = Int64(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("number out of range", at: start) }
        return .double(d)
    }
}

extension JSONParser {
    /// Reads bytes that should hold one JSON object, member by member in document order (duplicates
    /// included), parsing each value but never building the object: for callers that consume an object's
    /// members as they come. Keys are handed over as their bytes, so only keys that are plain ASCII
    /// without escapes are read. ``next()`` returns nil at the end or at anything else (not an object,
    /// malformed, an escaped or non-ASCII key, over the limits); ``succeeded`` tells which. After a
    /// failure, ``parse(_:limits:)`` reports what is wrong, if anything.
    package struct ObjectMembers {
        private var parser: JSONParser
        private var state: State

        private enum State { case start, members, done, failed }

        /// `bytes` must stay valid while the reader is used.
        package init(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONParserLimits = .default) {
            parser = JSONParser(bytes: bytes, limits: limits)
            state = bytes.count <= limits.maxBytes ? .start : .failed
        }

        /// True when the whole input was one object and every member has been read.
        package var succeeded: Bool { state == .done }

        package mutating func next() -> (key: UnsafeBufferPointer<UInt8>, value: JSONValue)? {
            do {
                if let member = try read() { return member }
            } catch {
                state = .failed
            }
            return nil
        }

        private mutating func read() throws(JSONParseError) -> (key: UnsafeBufferPointer<UInt8>, value: JSONValue)? {
            let bytes = parser.bytes
            switch state {
            case .done, .failed: return nil
            case .start:
                parser.skipPrologue()
                guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{") else { return fail() }
                try parser.enter()
                parser.index += 1
                parser.skipWhitespace()
                if parser.index < bytes.count && bytes[parser.index] == UInt8(ascii: "}") {
                    parser.index += 1
                    return finish()
                }
                state = .members
            case .members:
                parser.skipWhitespace()
                guard parser.index < bytes.count else { return fail() }
                if bytes[parser.index] == UInt8(ascii: "}") {
                    parser.index += 1
                    return finish()
                }
                guard bytes[parser.index] == UInt8(ascii: ",") else { return fail() }
                parser.index += 1
            }
            parser.skipWhitespace()
            guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "\"") else { return fail() }
            let keyStart = parser.index + 1
            var keyEnd = keyStart
            while keyEnd < bytes.count, bytes[keyEnd] != UInt8(ascii: "\"") {
                let b = bytes[keyEnd]
                if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return fail() }
                keyEnd += 1
            }
            guard keyEnd < bytes.count else { return fail() }
            parser.index = keyEnd + 1
            parser.skipWhitespace()
            guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: ":") else { return fail() }
            parser.index += 1
            parser.skipWhitespace()
            let value = try parser.parseValue()
            return (UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd]), value)
        }

        private mutating func fail() -> (key: UnsafeBufferPointer<UInt8>, value: JSONValue)? {
            state = .failed
            return nil
        }

        private mutating func finish() -> (key: UnsafeBufferPointer<UInt8>, value: JSONValue)? {
            parser.depth -= 1
            parser.skipWhitespace()
            state = parser.index == parser.bytes.count ? .done : .failed
            return nil
        }
    }
}

extension JSONValue {
    /// Parses JSON text with the default limits.
    package static func parse(_ data: Data, limits: JSONParserLimits = .default) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(data, limits: limits)
    }
    package static func parse(_ text: String, limits: JSONParserLimits = .default) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(text, limits: limits)
    }
}
