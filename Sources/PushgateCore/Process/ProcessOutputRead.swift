import Foundation

/// Bytes read from an attempt's output segments: `start` is the absolute offset of the first byte (later
/// than asked when older output rotated away), `end` where the next read resumes, `total` the bytes
/// written so far.
package struct ProcessOutputRead: Sendable, Hashable {
    package var bytes: Data
    package var start: Int
    package var end: Int
    package var total: Int

    package init(bytes: Data, start: Int, end: Int, total: Int) {
        self.bytes = bytes
        self.start = start
        self.end = end
        self.total = total
    }
}
