import Dispatch
import Foundation

/// SIGTERM and SIGINT as something to await: the gateway stops claiming when one arrives.
package enum SignalWatcher {
    /// Returns the number of the first of `signals` that arrives (or when the task is cancelled).
    package static func first(of signals: [Int32] = [SIGTERM, SIGINT]) async -> Int32? {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let queue = DispatchQueue(label: "pushgate.signals")
        let sources = signals.map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)  // the dispatch source takes over from the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        defer {
            sources.forEach { $0.cancel() }
            for number in signals { signal(number, SIG_DFL) }
        }
        for await number in stream { return number }
        return nil
    }
}
