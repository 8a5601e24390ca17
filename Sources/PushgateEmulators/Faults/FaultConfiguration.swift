import Foundation

/// Misbehaviour a provider emulator injects, reproducible from `seed`: shares of 500/503 answers, 429
/// with `Retry-After`, delays and dropped connections, plus scripted faults on the Nth call of a named
/// operation (for exact crash and retry tests).
package struct FaultConfiguration: Sendable, Equatable {
    package var seed: UInt64
    /// Share of API calls answered 500 or 503 (half each) without being processed.
    package var serverErrorShare: Double
    /// Share answered 429 with `Retry-After: retryAfterSeconds`.
    package var throttleShare: Double
    package var retryAfterSeconds: Int
    /// Share whose connection is dropped before the call is processed.
    package var dropShare: Double
    /// Share processed and then dropped: the caller cannot know it took effect (the ambiguous case).
    package var dropAfterProcessingShare: Double
    /// Share answered only after `delay` seconds.
    package var delayShare: Double
    package var delay: TimeInterval
    package var scripted: [ScriptedFault]

    package init(
        seed: UInt64 = 1,
        serverErrorShare: Double = 0,
        throttleShare: Double = 0,
        retryAfterSeconds: Int = 1,
        dropShare: Double = 0,
        dropAfterProcessingShare: Double = 0,
        delayShare: Double = 0,
        delay: TimeInterval = 0,
        scripted: [ScriptedFault] = []
    ) {
        self.seed = seed
        self.serverErrorShare = serverErrorShare
        self.throttleShare = throttleShare
        self.retryAfterSeconds = retryAfterSeconds
        self.dropShare = dropShare
        self.dropAfterProcessingShare = dropAfterProcessingShare
        self.delayShare = delayShare
        self.delay = delay
        self.scripted = scripted
    }

    /// No faults.
    package static let none = FaultConfiguration()
}

extension FaultConfiguration {
    /// `share` of calls misbehave, spread evenly over 5xx, 429 with `Retry-After: 1`, drops before
    /// processing, drops after processing and short delays.
    package static func mixed(share: Double, seed: UInt64) -> FaultConfiguration {
        let each = share / 5
        return FaultConfiguration(
            seed: seed,
            serverErrorShare: each,
            throttleShare: each,
            retryAfterSeconds: 1,
            dropShare: each,
            dropAfterProcessingShare: each,
            delayShare: each,
            delay: 0.5
        )
    }
}
