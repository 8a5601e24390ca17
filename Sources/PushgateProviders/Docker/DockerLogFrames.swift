import Foundation

/// The Engine API's multiplexed log stream (`/containers/{id}/logs` of a container without a TTY): frames of
/// an 8-byte header (stream 0 stdin, 1 stdout, 2 stderr; three zero bytes; a big-endian UInt32 length) and
/// that many bytes of payload (docs/provider-apis.md §7.4).
package enum DockerLogFrames {
    package struct Chunk: Sendable, Equatable {
        package enum Stream: UInt8, Sendable, Equatable {
            case stdin = 0
            case stdout = 1
            case stderr = 2
        }
        package var stream: Stream
        package var data: Data
    }

    /// A malformed stream, naming the byte offset where it breaks.
    package struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        package var code = "docker.logs.frame"
        package var message: String
        package var description: String { message }
    }

    /// The frames of `body`, in order.
    /// - Throws: ``FormatError`` on an unknown stream byte or a frame cut short.
    package static func parse(_ body: Data) throws(FormatError) -> [Chunk] {
        let bytes = [UInt8](body)
        var chunks: [Chunk] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 8 <= bytes.count else {
                throw FormatError(message: "docker log stream: a frame header is cut short at byte \(offset)")
            }
            guard let stream = Chunk.Stream(rawValue: bytes[offset]), bytes[offset + 1..<offset + 4].allSatisfy({ $0 == 0 }) else {
                throw FormatError(message: "docker log stream: no frame header at byte \(offset)")
            }
            let length = bytes[offset + 4..<offset + 8].reduce(0) { ($0 << 8) | Int($1) }
            let start = offset + 8
            guard start + length <= bytes.count else {
                throw FormatError(message: "docker log stream: the frame at byte \(offset) needs \(length) bytes, \(bytes.count - start) remain")
            }
            chunks.append(Chunk(stream: stream, data: Data(bytes[start..<start + length])))
            offset = start + length
        }
        return chunks
    }
}
