import Foundation

/// gRPC's length-prefixed message framing over HTTP/2: a flag byte (1 = compressed) and a 4-byte
/// big-endian length before each message
/// (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md, docs/provider-apis.md §5.6).
/// pushgate never asks for compression (it sends no `grpc-accept-encoding`), so a compressed frame is an error.
package enum GRPCFrame {
    /// Bytes before each message.
    package static let prefixLength = 5

    /// One uncompressed frame holding `message`.
    package static func encode(_ message: [UInt8]) -> Data {
        var frame = Data(capacity: prefixLength + message.count)
        frame.append(0)
        let length = UInt32(message.count)
        frame.append(contentsOf: [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
        frame.append(contentsOf: message)
        return frame
    }

    /// Every message in a response body: one for a unary call, zero or more for a server-streaming one.
    package static func decode(_ body: Data, method: String) throws(GRPCFrameError) -> [[UInt8]] {
        let bytes = [UInt8](body)
        var messages: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            guard bytes.count - index >= prefixLength else {
                throw GRPCFrameError("\(method): response frame at byte \(index) has a cut-off 5-byte prefix")
            }
            guard bytes[index] == 0 else {
                throw GRPCFrameError("\(method): response frame at byte \(index) is compressed (flag \(bytes[index])), which was not requested")
            }
            let length = bytes[index + 1..<index + 5].reduce(0) { $0 << 8 | Int($1) }
            index += prefixLength
            guard bytes.count - index >= length else {
                throw GRPCFrameError("\(method): response frame declares \(length) bytes; \(bytes.count - index) arrived")
            }
            messages.append(Array(bytes[index..<index + length]))
            index += length
        }
        return messages
    }
}

/// A response body that is not a sequence of well-formed gRPC frames.
package struct GRPCFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
