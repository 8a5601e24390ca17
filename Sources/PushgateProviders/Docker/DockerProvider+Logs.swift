import Foundation
import PushgateCore

/// A run's output, read back from the engine (`run logs` hooks this up where the Provider seam gains logs).
extension DockerProvider {
    /// The container's stdout and stderr, demultiplexed, the last `tail` lines when given.
    /// - Throws: ``ProviderError`` naming the call (`.notFound` once the container was removed).
    package func logs(_ handle: ProviderHandle, tail: Int? = nil) async throws -> [DockerLogFrames.Chunk] {
        let purpose = "docker containers.logs \(handle.value)"
        let response = try await send(requests.logs(handle.value, tail: tail), purpose: purpose)
        guard response.status == 200 else { throw failure(response, purpose) }
        do {
            return try DockerLogFrames.parse(response.body)
        } catch {
            throw ProviderError(.unavailable, "\(purpose): \(error.message)")
        }
    }
}
