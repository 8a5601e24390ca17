import Foundation

/// A decoded message read by field number with the declared type chosen by the caller, since there is
/// no schema at run time. Singular fields follow the spec's "last one wins"; embedded messages that
/// occur more than once are merged (their bytes concatenated, which is how protobuf merges them); fields
/// nobody asks for are ignored (forward compatibility, docs/provider-apis.md §5.7).
package struct ProtobufMessage: Sendable, Equatable {
    package private(set) var fields: [ProtobufField]

    package init(fields: [ProtobufField]) { self.fields = fields }

    package init(_ bytes: [UInt8]) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        fields = try reader.readAll()
    }

    package init(_ data: Data) throws(ProtobufError) { try self.init([UInt8](data)) }

    package func has(_ number: Int) -> Bool { fields.contains { $0.number == number } }

    private func values(_ number: Int) -> [ProtobufFieldValue] {
        fields.lazy.filter { $0.number == number }.map(\.value)
    }

    private func mismatch(_ number: Int, _ expected: String, _ got: ProtobufFieldValue) -> ProtobufError {
        ProtobufError(.wireTypeMismatch, "field \(number): expected \(expected), got wire type \(got.wireType.rawValue)")
    }

    // MARK: Scalars

    /// Every varint of a repeated scalar field, accepting both packed and unpacked encodings.
    package func varints(_ number: Int) throws(ProtobufError) -> [UInt64] {
        var result: [UInt64] = []
        for value in values(number) {
            switch value {
            case .varint(let v): result.append(v)
            case .lengthDelimited(let packed):
                var reader = ProtobufReader(packed)
                while !reader.isAtEnd { result.append(try reader.readVarint()) }
            default: throw mismatch(number, "varint", value)
            }
        }
        return result
    }

    /// `uint32`/`uint64`/enum; nil when absent.
    package func uint(_ number: Int) throws(ProtobufError) -> UInt64? { try varints(number).last }

    /// `int32`/`int64`; nil when absent. A negative int32 arrives sign-extended to 64 bits.
    package func int(_ number: Int) throws(ProtobufError) -> Int64? {
        try uint(number).map { Int64(bitPattern: $0) }
    }

    /// `sint32`/`sint64` (ZigZag).
    package func sint(_ number: Int) throws(ProtobufError) -> Int64? {
        try uint(number).map { Int64(bitPattern: ($0 >> 1) ^ (0 &- ($0 & 1))) }
    }

    package func bool(_ number: Int) throws(ProtobufError) -> Bool? { try uint(number).map { $0 != 0 } }

    package func fixed32(_ number: Int) throws(ProtobufError) -> UInt32? {
        guard let value = values(number).last else { return nil }
        guard case .fixed32(let v) = value else { throw mismatch(number, "fixed32", value) }
        return v
    }

    package func fixed64(_ number: Int) throws(ProtobufError) -> UInt64? {
        guard let value = values(number).last else { return nil }
        guard case .fixed64(let v) = value else { throw mismatch(number, "fixed64", value) }
        return v
    }

    package func float(_ number: Int) throws(ProtobufError) -> Float? { try fixed32(number).map(Float.init(bitPattern:)) }

    package func double(_ number: Int) throws(ProtobufError) -> Double? { try fixed64(number).map(Double.init(bitPattern:)) }

    // MARK: Length-delimited

    /// Every occurrence of a length-delimited field (repeated bytes, strings or messages).
    package func payloads(_ number: Int) throws(ProtobufError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for value in values(number) {
            guard case .lengthDelimited(let payload) = value else { throw mismatch(number, "length-delimited", value) }
            result.append(payload)
        }
        return result
    }

    package func bytes(_ number: Int) throws(ProtobufError) -> [UInt8]? { try payloads(number).last }

    package func strings(_ number: Int) throws(ProtobufError) -> [String] {
        var result: [String] = []
        for payload in try payloads(number) {
            guard let text = String(validating: payload, as: UTF8.self) else {
                throw ProtobufError(.invalidUTF8, "field \(number) is not valid UTF-8")
            }
            result.append(text)
        }
        return result
    }

    package func string(_ number: Int) throws(ProtobufError) -> String? { try strings(number).last }

    /// An embedded message, merged across occurrences; nil when absent.
    package func message(_ number: Int) throws(ProtobufError) -> ProtobufMessage? {
        let parts = try payloads(number)
        guard !parts.isEmpty else { return nil }
        return try ProtobufMessage(parts.flatMap { $0 })
    }

    /// A repeated embedded message, one element per occurrence.
    package func messages(_ number: Int) throws(ProtobufError) -> [ProtobufMessage] {
        var result: [ProtobufMessage] = []
        for payload in try payloads(number) { result.append(try ProtobufMessage(payload)) }
        return result
    }

    /// `map<string, string>`: repeated `{key = 1, value = 2}` entries; a later key wins.
    package func stringMap(_ number: Int) throws(ProtobufError) -> [String: String] {
        var result: [String: String] = [:]
        for entry in try messages(number) {
            result[try entry.string(1) ?? ""] = try entry.string(2) ?? ""
        }
        return result
    }
}
