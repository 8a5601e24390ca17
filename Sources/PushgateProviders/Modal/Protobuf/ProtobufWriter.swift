import Foundation

/// Appends protobuf fields in the binary wire format (https://protobuf.dev/programming-guides/encoding/).
///
/// Scalar writers follow proto3 implicit presence: a default value (0, false, "", empty bytes) is not
/// written unless `presence` is true (for `optional` fields such as `SandboxGetTaskId.timeout`,
/// docs/provider-apis.md §5.3). Fields are written in the order the caller writes them, so the bytes of a
/// message are deterministic and can be compared with known vectors.
package struct ProtobufWriter: Sendable, Equatable {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package var data: Data { Data(bytes) }

    // MARK: Primitives

    /// Base-128 varint, least significant group first.
    package mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// The key of a field: `(field_number << 3) | wire_type`.
    package mutating func writeTag(_ field: Int, _ wireType: ProtobufWireType) {
        precondition(field > 0 && field < 1 << 29, "protobuf field numbers are 1...2^29-1")
        writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    package mutating func writeFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func writeFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func writeLengthDelimited(_ payload: some Collection<UInt8>) {
        writeVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    // MARK: Fields

    /// `uint32`, `uint64` and enum values (enums are never negative in Modal's protos).
    package mutating func uint(_ field: Int, _ value: UInt64, presence: Bool = false) {
        guard value != 0 || presence else { return }
        writeTag(field, .varint)
        writeVarint(value)
    }

    /// `int32` / `int64`: a negative value is its 64-bit two's complement (ten bytes), as the spec says.
    package mutating func int(_ field: Int, _ value: Int64, presence: Bool = false) {
        guard value != 0 || presence else { return }
        writeTag(field, .varint)
        writeVarint(UInt64(bitPattern: value))
    }

    /// `sint32` / `sint64`: ZigZag encoding.
    package mutating func sint(_ field: Int, _ value: Int64, presence: Bool = false) {
        guard value != 0 || presence else { return }
        writeTag(field, .varint)
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    package mutating func bool(_ field: Int, _ value: Bool, presence: Bool = false) {
        guard value || presence else { return }
        writeTag(field, .varint)
        writeVarint(value ? 1 : 0)
    }

    package mutating func fixed32(_ field: Int, _ value: UInt32, presence: Bool = false) {
        guard value != 0 || presence else { return }
        writeTag(field, .fixed32)
        writeFixed32(value)
    }

    package mutating func fixed64(_ field: Int, _ value: UInt64, presence: Bool = false) {
        guard value != 0 || presence else { return }
        writeTag(field, .fixed64)
        writeFixed64(value)
    }

    /// `float`: IEEE 754 single precision, little-endian (Modal's `timeout` fields are floats).
    package mutating func float(_ field: Int, _ value: Float, presence: Bool = false) {
        guard value != 0 || presence else { return }
        writeTag(field, .fixed32)
        writeFixed32(value.bitPattern)
    }

    package mutating func double(_ field: Int, _ value: Double, presence: Bool = false) {
        guard value != 0 || presence else { return }
        writeTag(field, .fixed64)
        writeFixed64(value.bitPattern)
    }

    package mutating func string(_ field: Int, _ value: String, presence: Bool = false) {
        guard !value.isEmpty || presence else { return }
        writeTag(field, .lengthDelimited)
        writeLengthDelimited(Array(value.utf8))
    }

    package mutating func bytes(_ field: Int, _ value: some Collection<UInt8>, presence: Bool = false) {
        guard !value.isEmpty || presence else { return }
        writeTag(field, .lengthDelimited)
        writeLengthDelimited(value)
    }

    /// An embedded message; written even when empty (message fields have explicit presence).
    package mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        writeTag(field, .lengthDelimited)
        writeLengthDelimited(nested.bytes)
    }

    /// `repeated string`: one field per element, empty strings included.
    package mutating func repeatedString(_ field: Int, _ values: [String]) {
        for value in values { string(field, value, presence: true) }
    }

    /// `repeated` varint scalars in proto3's default packed form: one length-delimited field.
    package mutating func packedUInts(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        var payload = ProtobufWriter()
        for value in values { payload.writeVarint(value) }
        writeTag(field, .lengthDelimited)
        writeLengthDelimited(payload.bytes)
    }

    /// `map<string, string>`: repeated entry messages `{key = 1, value = 2}`, sorted by key so the bytes
    /// are deterministic (the spec leaves map order to the encoder).
    package mutating func stringMap(_ field: Int, _ map: [String: String]) {
        for key in map.keys.sorted() {
            message(field) { entry in
                entry.string(1, key)
                entry.string(2, map[key] ?? "")
            }
        }
    }
}
