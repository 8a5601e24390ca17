import Foundation
import PushgateCore

/// Submit and look up (docs/provider-apis.md §6.2): the attempt directory is created exclusively; one that
/// exists is adopted unless nothing was ever started in it.
extension ProcessProvider {
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        let handle = ProviderHandle(job.idempotencyKey)
        let directory = try directory(handle)
        let created = try io("create attempt directory \(handle.value)") { try client.createAttempt(directory) }
        if !created {
            let observation = try io("read attempt \(handle.value)") { try client.observe(directory) }
            if let observation, ProcessStatusMapping.adoption(observation) == .adopt { return handle }
        }
        // False when another holds the lock or a command was started meanwhile: that one is tracked instead.
        _ = try io("start supervisor for \(handle.value)") { try client.launch(launchSpec(spec, directory: directory), in: directory) }
        return handle
    }

    /// The attempt directory, when a command was (or is being) started there; nil for none or for a
    /// directory where nothing was ever started, so the dispatcher submits and the submission starts it.
    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let handle = ProviderHandle(job.idempotencyKey)
        let directory = try directory(handle)
        guard let observation = try io("read attempt \(handle.value)", { try client.observe(directory) }) else { return nil }
        return ProcessStatusMapping.adoption(observation) == .adopt ? handle : nil
    }

    /// Runs one IO step; an error becomes a ``ProviderError`` naming the step (retried: local IO is
    /// usually a transient full disk or a race with clean-up).
    func io<T>(_ purpose: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(.unavailable, "process \(purpose): \(error)")
        }
    }
}
