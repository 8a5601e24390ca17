/// Output of a run as a provider keeps it: `text` starts at absolute offset `start` (later than asked
/// when older output rotated away or the tail was cut), and `next` is the offset to follow from.
package struct ProviderLogChunk: Sendable, Hashable {
    package var text: String
    package var start: Int
    package var next: Int
    /// No more output will come: the workload ended and its output was read to the end.
    package var finished: Bool

    package init(text: String, start: Int, next: Int, finished: Bool) {
        self.text = text
        self.start = start
        self.next = next
        self.finished = finished
    }
}
