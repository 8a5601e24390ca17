/// A protobuf message that could not be decoded; the message names the field number and byte offset.
package struct ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// The input ended inside a tag, varint, fixed value or length-delimited field.
        case truncated
        /// A varint longer than 10 bytes.
        case malformedVarint
        /// Wire type 6 or 7, field number 0, or an unmatched end-group.
        case invalidTag
        /// A known field arrived with a wire type its declared type cannot have.
        case wireTypeMismatch
        /// A `string` field that is not UTF-8.
        case invalidUTF8
        /// Nested groups deeper than the decoder follows.
        case tooDeep
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "protobuf \(code.rawValue): \(message)" }
}
