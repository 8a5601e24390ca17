import Foundation

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
}
