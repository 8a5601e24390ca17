import Foundation
import PushgateCore

/// Keeps the store bounded: deletes runs that finished more than `keep` ago, with their history, in
/// batches of `batch` rows, each its own short transaction with a pause after it, so claims and state
/// writes never wait behind a large delete (`serve --retain`, `run prune`; docs/design.md "Retention").
package struct Retention: Sendable {
    package struct Configuration: Sendable {
        /// How long a finished run is kept.
        package var keep: TimeInterval
        /// How often `serve` prunes.
        package var interval: TimeInterval = 60
        package var batch: Int = 64
        /// Between two batches of one pruning: the write lock is free for claims meanwhile.
        package var pause: TimeInterval = 0.01

        package init(keep: TimeInterval, interval: TimeInterval = 60, batch: Int = 64, pause: TimeInterval = 0.01) {
            self.keep = keep
            self.interval = interval
            self.batch = batch
            self.pause = pause
        }
    }

    let store: any Store
    let clock: any WallClock
    let logger: Logger
    package let configuration: Configuration

    package init(store: any Store, clock: any WallClock, logger: Logger, configuration: Configuration) {
        self.store = store
        self.clock = clock
        self.logger = logger.with([("component", "retention")])
        self.configuration = configuration
    }

    /// Deletes every run that finished before `now - keep`; returns how many went.
    package func pruneOnce() async throws -> Int {
        try await prune(finishedBefore: clock.now().addingTimeInterval(-configuration.keep))
    }

    /// Deletes every run that finished before `cutoff`, batch by batch; returns how many went.
    package func prune(finishedBefore cutoff: Date) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await store.pruneFinishedRuns(finishedBefore: cutoff, limit: configuration.batch)
            total += deleted
            if deleted < configuration.batch || Task.isCancelled { return total }
            try await clock.sleep(until: clock.now().addingTimeInterval(configuration.pause))
        }
    }

    /// Prunes every `interval` until cancelled; a failed pruning is logged and tried again next time.
    package func run() async {
        while !Task.isCancelled {
            do {
                let deleted = try await pruneOnce()
                if deleted > 0 {
                    logger.info("pruned finished runs", [("runs", String(deleted)), ("keep_seconds", String(Int(configuration.keep)))])
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("pruning failed; will retry", [("error", "\(error)")])
            }
            do {
                try await clock.sleep(until: clock.now().addingTimeInterval(configuration.interval))
            } catch {
                return
            }
        }
    }
}
