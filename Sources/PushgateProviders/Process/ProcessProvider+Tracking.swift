import Foundation
import PushgateCore

/// Poll, cancel and clean up (docs/provider-apis.md §6.3, §6.5).
extension ProcessProvider {
    /// One directory read per target (files and `/proc`, no network); a target whose read fails is left
    /// out, and if all fail the first error is thrown.
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var out: [ProviderHandle: ProviderStatus] = [:]
        var firstError: (any Error)?
        for target in targets {
            do {
                let directory = try directory(target.handle)
                let observation = try io("read attempt \(target.handle.value)") { try client.observe(directory) }
                out[target.handle] = ProcessStatusMapping.status(observation, cancelRequested: target.cancelRequested)
            } catch {
                firstError = firstError ?? error
            }
        }
        if out.isEmpty, let firstError { throw firstError }
        return out
    }

    /// Marks the attempt cancelled and sends SIGTERM to the command's process group; its supervisor sends
    /// SIGKILL to what is left after the grace period. Without a live supervisor the gateway does both.
    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        let directory = try directory(handle)
        guard let observation = try io("read attempt \(handle.value)", { try client.observe(directory) }) else { return }
        guard observation.outcome == nil else { return }
        try io("mark attempt \(handle.value) cancelled") { try client.markCancelRequested(directory) }
        guard let started = observation.started else { return }
        let term = try io("signal \(handle.value)") { try client.signal(started.command, 15, group: true) }
        if !observation.lockHeld && term {
            // No supervisor will escalate: wait out the grace here, then SIGKILL the group.
            let deadline = Date().addingTimeInterval(configuration.killGrace)
            while Date() < deadline, try io("read attempt \(handle.value)", { try client.observe(directory) })?.commandAlive == true {
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            _ = try io("signal \(handle.value)") { try client.signal(started.command, 9, group: true) }
        }
    }

    /// Nothing to remove: the attempt directory keeps the command's output for `run logs` (a retention
    /// of finished attempts is `pushgate cleanup`'s business, not the run's).
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {}
}
