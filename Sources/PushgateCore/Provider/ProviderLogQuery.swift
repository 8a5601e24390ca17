/// Which part of a run's output to read: the tail (`offset` nil: the last `maxLines` lines within the
/// last `maxBytes`) or everything from an absolute `offset` on (following), at most `maxBytes`.
package struct ProviderLogQuery: Sendable, Hashable {
    package var offset: Int?
    package var maxBytes: Int
    package var maxLines: Int?

    package init(offset: Int? = nil, maxBytes: Int = 64 * 1024, maxLines: Int? = 200) {
        self.offset = offset
        self.maxBytes = max(1, maxBytes)
        self.maxLines = maxLines
    }
}
