import Foundation

/// Reads protobuf fields one at a time from the binary wire format
/// (https://protobuf.dev/programming-guides/encoding/). Every wire type is understood, so fields this
/// decoder does not know are skipped rather than rejected: Modal adds fields without notice
/// (docs/provider-apis.md §5.7: "Unknown fields must be skipped when decoding").
package struct ProtobufReader: Sendable {
    /// Deprecated groups are skipped up to this nesting depth.
    package static let maxGroupDepth = 32

    private let bytes: [UInt8]
    private var index: Int

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
        index = 0
    }

    package init(_ data: Data) { self.init([UInt8](data)) }

    package var isAtEnd: Bool { index >= bytes.count }

    /// The next field, or nil at the end of the input. Groups (wire types 3/4) are skipped whole.
    package mutating func next() throws(ProtobufError) -> ProtobufField? {
        while !isAtEnd {
            let start = index
            let (number, wireType) = try readTag()
            switch wireType {
            case .varint:
                return ProtobufField(number: number, value: .varint(try readVarint()))
            case .fixed64:
                return ProtobufField(number: number, value: .fixed64(try readFixed64()))
            case .fixed32:
                return ProtobufField(number: number, value: .fixed32(try readFixed32()))
            case .lengthDelimited:
                let length = try readVarint()
                guard length <= UInt64(bytes.count - index) else {
                    throw ProtobufError(
                        .truncated,
                        "field \(number) at byte \(start) declares \(length) bytes; \(bytes.count - index) remain"
                    )
                }
                let payload = Array(bytes[index..<index + Int(length)])
                index += Int(length)
                return ProtobufField(number: number, value: .lengthDelimited(payload))
            case .startGroup:
                try skipGroup(number, depth: 1)
            case .endGroup:
                throw ProtobufError(.invalidTag, "end-group for field \(number) at byte \(start) without a start")
            }
        }
        return nil
    }

    /// Every remaining field, in order.
    package mutating func readAll() throws(ProtobufError) -> [ProtobufField] {
        var fields: [ProtobufField] = []
        while let field = try next() { fields.append(field) }
        return fields
    }

    package mutating func readVarint() throws(ProtobufError) -> UInt64 {
        let start = index
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count else { throw ProtobufError(.truncated, "varint at byte \(start) is cut off") }
            let byte = bytes[index]
            index += 1
            if shift == 63 && byte > 1 {
                throw ProtobufError(.malformedVarint, "varint at byte \(start) overflows 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ProtobufError(.malformedVarint, "varint at byte \(start) is longer than 10 bytes") }
        }
    }

    private mutating func readTag() throws(ProtobufError) -> (Int, ProtobufWireType) {
        let start = index
        let key = try readVarint()
        let number = key >> 3
        guard let wireType = ProtobufWireType(rawValue: UInt8(key & 7)) else {
            throw ProtobufError(.invalidTag, "wire type \(key & 7) at byte \(start) does not exist")
        }
        guard number > 0, number < 1 << 29 else {
            throw ProtobufError(.invalidTag, "field number \(number) at byte \(start) is out of range")
        }
        return (Int(number), wireType)
    }

    private mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw ProtobufError(.truncated, "fixed32 at byte \(index) is cut off") }
        var value: UInt32 = 0
        for offset in 0..<4 { value |= UInt32(bytes[index + offset]) << (8 * offset) }
        index += 4
        return value
    }

    private mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        guard bytes.count - index >= 8 else { throw ProtobufError(.truncated, "fixed64 at byte \(index) is cut off") }
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(bytes[index + offset]) << (8 * offset) }
        index += 8
        return value
    }

    private mutating func skipGroup(_ number: Int, depth: Int) throws(ProtobufError) {
        guard depth <= Self.maxGroupDepth else { throw ProtobufError(.tooDeep, "groups nested deeper than \(Self.maxGroupDepth)") }
        while !isAtEnd {
            let (inner, wireType) = try readTag()
            switch wireType {
            case .varint: _ = try readVarint()
            case .fixed64: _ = try readFixed64()
            case .fixed32: _ = try readFixed32()
            case .lengthDelimited:
                let length = try readVarint()
                guard length <= UInt64(bytes.count - index) else {
                    throw ProtobufError(.truncated, "field \(inner) inside group \(number) is cut off")
                }
                index += Int(length)
            case .startGroup: try skipGroup(inner, depth: depth + 1)
            case .endGroup:
                guard inner == number else {
                    throw ProtobufError(.invalidTag, "end-group \(inner) does not close group \(number)")
                }
                return
            }
        }
        throw ProtobufError(.truncated, "group \(number) has no end-group")
    }
}

/// One decoded field: its number and raw value.
package struct ProtobufField: Sendable, Equatable {
    package var number: Int
    package var value: ProtobufFieldValue
}

/// A field's value as it sits on the wire; ``ProtobufMessage`` interprets it by declared type.
package enum ProtobufFieldValue: Sendable, Equatable {
    case varint(UInt64)
    case fixed64(UInt64)
    case lengthDelimited([UInt8])
    case fixed32(UInt32)

    var wireType: ProtobufWireType {
        switch self {
        case .varint: return .varint
        case .fixed64: return .fixed64
        case .lengthDelimited: return .lengthDelimited
        case .fixed32: return .fixed32
        }
    }
}
