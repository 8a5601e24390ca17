import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// Decides, per call, which fault of a ``FaultConfiguration`` applies: scripted faults by operation
/// and occurrence first, then the random shares drawn from the seeded generator.
package final class FaultInjector: Sendable {
    private struct State {
        var generator: SplitMix64
        var calls: [String: Int] = [:]
        var injected = 0
    }

    package let configuration: FaultConfiguration
    private let state: Mutex<State>

    package init(_ configuration: FaultConfiguration) {
        self.configuration = configuration
        state = Mutex(State(generator: SplitMix64(seed: configuration.seed)))
    }

    /// Faults injected so far.
    package var injected: Int { state.withLock { $0.injected } }

    /// The fault for this call of `operation`, if any (counts the call).
    package func fault(for operation: String) -> FaultAction? {
        state.withLock { state in
            let occurrence = (state.calls[operation] ?? 0) + 1
            state.calls[operation] = occurrence
            let action = decide(operation: operation, occurrence: occurrence, generator: &state.generator)
            if action != nil { state.injected += 1 }
            return action
        }
    }

    private func decide(operation: String, occurrence: Int, generator: inout SplitMix64) -> FaultAction? {
        if let scripted = configuration.scripted.first(where: { $0.operation == operation && $0.occurrence == occurrence }) {
            return scripted.action
        }
        let draw = Double.random(in: 0..<1, using: &generator)
        var threshold = configuration.serverErrorShare
        if draw < threshold { return .status(Bool.random(using: &generator) ? 500 : 503) }
        threshold += configuration.throttleShare
        if draw < threshold { return .throttle(retryAfterSeconds: configuration.retryAfterSeconds) }
        threshold += configuration.dropShare
        if draw < threshold { return .dropBeforeProcessing }
        threshold += configuration.dropAfterProcessingShare
        if draw < threshold { return .dropAfterProcessing }
        threshold += configuration.delayShare
        if draw < threshold { return .delay(configuration.delay) }
        return nil
    }

    /// Applies `action` around `process`: `errorBody(status)` formats the provider's error JSON.
    package static func respond(
        _ action: FaultAction?,
        errorBody: (Int) -> String,
        process: () -> ServerResponse
    ) -> ServerResponse {
        switch action {
        case nil: return process()
        case .status(let status)?: return .json(status, errorBody(status))
        case .throttle(let seconds)?:
            return .json(429, errorBody(429), headers: ["Retry-After": String(seconds)])
        case .dropBeforeProcessing?: return .dropConnection
        case .dropAfterProcessing?:
            _ = process()
            return .dropConnection
        case .delay(let seconds)?: return .slow(seconds, process())
        }
    }
}
