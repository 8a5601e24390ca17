import Foundation
import PushgateCore

/// Cutting output to its last lines, so a tail of a long log shows whole lines.
package enum LogTail {
    /// The bytes from the start of the `count`-th line from the end (a final newline ends the last line);
    /// all of `bytes` when it has fewer lines or `count` is nil.
    package static func lastLines(_ bytes: Data, count: Int?) -> Data {
        guard let count, count >= 0 else { return bytes }
        if count == 0 { return Data() }
        let array = [UInt8](bytes)
        var end = array.count
        if end > 0 && array[end - 1] == 0x0A { end -= 1 }
        var seen = 0
        var index = end
        while index > 0 {
            index -= 1
            if array[index] == 0x0A {
                seen += 1
                if seen == count { return Data(array[(index + 1)...]) }
            }
        }
        return bytes
    }

    /// `query` answered from a provider's whole output (`content`), for APIs that return the text without
    /// offsets (ACI, the Docker Engine): a tail is its last lines; following returns what lies past the byte
    /// offset. Offsets count from the start of `content`; nothing is known to be finished.
    package static func chunk(of content: Data, query: ProviderLogQuery) -> ProviderLogChunk {
        let bytes = [UInt8](content)
        guard let offset = query.offset else {
            let tail = lastLines(Data(bytes.suffix(query.maxBytes)), count: query.maxLines)
            return ProviderLogChunk(text: String(decoding: tail, as: UTF8.self), start: bytes.count - tail.count, next: bytes.count, finished: false)
        }
        let start = min(max(0, offset), bytes.count)
        let end = min(bytes.count, start + query.maxBytes)
        return ProviderLogChunk(text: String(decoding: bytes[start..<end], as: UTF8.self), start: start, next: end, finished: false)
    }
}
