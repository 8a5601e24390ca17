import Foundation
import PushgateCore

/// `pushgate serve`: the dispatcher, the poller and the HTTP API in one process, under one task group.
/// A stop (SIGTERM/SIGINT, or the caller's cancellation) stops claiming at once, lets submissions already
/// under way finish for up to `shutdownGrace`, hands back what is left, and returns.
package struct Gateway: Sendable {
    package let dispatcher: Dispatcher
    package let poller: Poller
    package let logger: Logger
    package var shutdownGrace: TimeInterval = 10
    /// Prunes finished runs beside the dispatcher and poller (`serve --retain`); nil keeps every run.
    package var retention: Retention?

    package init(dispatcher: Dispatcher, poller: Poller, logger: Logger) {
        self.dispatcher = dispatcher
        self.poller = poller
        self.logger = logger.with([("component", "gateway")])
    }

    private enum Event: Sendable {
        case dispatcherEnded, pollerEnded, retentionEnded
        case stopRequested(Int32?)
        case graceExpired
    }

    /// Runs until `stop` returns (by default: the first SIGTERM or SIGINT).
    package func run(until stop: @escaping @Sendable () async -> Int32? = { await SignalWatcher.first() }) async {
        await withTaskGroup(of: Event.self) { group in
            group.addTask {
                await dispatcher.run()
                return .dispatcherEnded
            }
            group.addTask {
                await poller.run()
                return .pollerEnded
            }
            if let retention {
                group.addTask {
                    await retention.run()
                    return .retentionEnded
                }
            }
            group.addTask { .stopRequested(await stop()) }
            var stopping = false
            var finished = false
            while let event = await group.next() {
                switch event {
                case .stopRequested(let number):
                    guard !stopping else { continue }
                    stopping = true
                    logger.info(
                        "stopping: no new claims; waiting for submissions under way",
                        [("signal", number.map(String.init) ?? "none"), ("grace_seconds", String(Int(shutdownGrace)))]
                    )
                    dispatcher.stopClaiming()
                    let grace = shutdownGrace
                    group.addTask {
                        try? await Task.sleep(nanoseconds: UInt64(grace * 1_000_000_000))
                        return .graceExpired
                    }
                case .dispatcherEnded:
                    if stopping && !finished {
                        finished = true
                        logger.info("submissions finished; stopping")
                        group.cancelAll()
                    }
                case .graceExpired:
                    if !finished {
                        finished = true
                        logger.warning("grace period over; handing back what is left")
                        group.cancelAll()
                    }
                case .pollerEnded:
                    if !stopping { group.cancelAll() }
                case .retentionEnded:
                    break
                }
            }
        }
        logger.info("stopped")
    }
}
