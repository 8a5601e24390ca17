/// How a run's output is kept: numbered segments of at most `segmentBytes` each (`output.0.log`,
/// `output.1.log`, …), the newest `keptSegments` kept. A segment's number times `segmentBytes` is the
/// absolute offset of its first byte, so a reader that follows the log resumes at an offset across
/// rotations.
package struct LogRotationPolicy: Sendable, Hashable {
    package var segmentBytes: Int
    package var keptSegments: Int

    /// 1 MiB segments, 8 kept: at most 8 MiB of output per attempt.
    package static let standard = LogRotationPolicy(segmentBytes: 1 << 20, keptSegments: 8)

    package init(segmentBytes: Int, keptSegments: Int) {
        self.segmentBytes = max(1, segmentBytes)
        self.keptSegments = max(1, keptSegments)
    }

    package static func segmentName(_ index: Int) -> String { "output.\(index).log" }

    /// The segment number in a file name `output.N.log`, nil for other names.
    package static func segmentIndex(_ name: String) -> Int? {
        guard name.hasPrefix("output."), name.hasSuffix(".log") else { return nil }
        return Int(name.dropFirst(7).dropLast(4))
    }

    /// Where `count` bytes written at absolute offset `offset` go: (segment, bytes) pieces in order, each
    /// piece filling its segment at most to `segmentBytes`.
    package func pieces(offset: Int, count: Int) -> [(segment: Int, bytes: Int)] {
        var out: [(Int, Int)] = []
        var position = offset
        var left = count
        while left > 0 {
            let segment = position / segmentBytes
            let room = segmentBytes - position % segmentBytes
            let take = min(room, left)
            out.append((segment, take))
            position += take
            left -= take
        }
        return out
    }

    /// The segment to delete once `segment` is begun, keeping `keptSegments` in all; nil when none is due.
    package func expired(whenStarting segment: Int) -> Int? {
        let old = segment - keptSegments
        return old >= 0 ? old : nil
    }

    /// Where a read from absolute `offset` starts (segment, position in it), given the segments on disk:
    /// at the oldest kept byte when `offset` has rotated away.
    package func readStart(offset: Int, oldestSegment: Int) -> (segment: Int, position: Int) {
        let earliest = oldestSegment * segmentBytes
        let from = max(offset, earliest)
        return (from / segmentBytes, from % segmentBytes)
    }
}
