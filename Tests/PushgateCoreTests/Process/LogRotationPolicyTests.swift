import PushgateCore
import Testing

/// Output is kept in numbered segments of a fixed size, the oldest deleted beyond the kept number, so an
/// offset names the same byte across rotations (docs/provider-apis.md §6.6).
@Suite("LogRotationPolicy: segment sizes, expiry and reading across rotations")
struct LogRotationPolicyTests {
    let policy = LogRotationPolicy(segmentBytes: 10, keptSegments: 3)

    @Test func writesAreSplitSoNoSegmentExceedsTheCap() {
        #expect(policy.pieces(offset: 0, count: 4).map { [$0.segment, $0.bytes] } == [[0, 4]])
        #expect(policy.pieces(offset: 8, count: 25).map { [$0.segment, $0.bytes] } == [[0, 2], [1, 10], [2, 10], [3, 3]])
        #expect(policy.pieces(offset: 10, count: 0).isEmpty)
        let total = policy.pieces(offset: 3, count: 1_000).reduce(0) { $0 + $1.bytes }
        #expect(total == 1_000)
        #expect(policy.pieces(offset: 3, count: 1_000).allSatisfy { $0.bytes <= 10 })
    }

    @Test func theOldestSegmentExpiresBeyondTheKeptNumber() {
        #expect(policy.expired(whenStarting: 0) == nil)
        #expect(policy.expired(whenStarting: 2) == nil)
        #expect(policy.expired(whenStarting: 3) == 0)
        #expect(policy.expired(whenStarting: 7) == 4)
    }

    @Test func aReadOfRotatedOutputStartsAtTheOldestKeptByte() {
        #expect(policy.readStart(offset: 25, oldestSegment: 0) == (2, 5))
        #expect(policy.readStart(offset: 5, oldestSegment: 4) == (4, 0), "offset 5 rotated away: start at segment 4")
    }

    @Test func segmentNamesRoundTrip() {
        #expect(LogRotationPolicy.segmentName(12) == "output.12.log")
        #expect(LogRotationPolicy.segmentIndex("output.12.log") == 12)
        #expect(LogRotationPolicy.segmentIndex("output.x.log") == nil)
        #expect(LogRotationPolicy.segmentIndex("spec.json") == nil)
        #expect(LogRotationPolicy(segmentBytes: 0, keptSegments: 0) == LogRotationPolicy(segmentBytes: 1, keptSegments: 1))
    }
}
