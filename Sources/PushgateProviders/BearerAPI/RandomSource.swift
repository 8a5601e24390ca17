import Synchronization

/// The jitter source of the retry backoff: seeded for tests, the system generator otherwise.
final class RandomSource: Sendable {
    private let state: Mutex<SplitMix64?>

    init(seed: UInt64?) { state = Mutex(seed.map(SplitMix64.init(seed:))) }

    func withGenerator<T>(_ body: (inout any RandomNumberGenerator) -> T) -> T {
        state.withLock { seeded in
            if var generator = seeded {
                var any: any RandomNumberGenerator = generator
                defer {
                    if let advanced = any as? SplitMix64 { generator = advanced }
                    seeded = generator
                }
                return body(&any)
            }
            var system: any RandomNumberGenerator = SystemRandomNumberGenerator()
            return body(&system)
        }
    }
}

/// SplitMix64: a small deterministic generator for reproducible backoff.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
