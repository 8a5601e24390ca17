import Foundation
import PushgateCore

/// A run's output, read back from the engine (docs/provider-apis.md §7).
extension DockerProvider {
    /// The container's stdout and stderr, demultiplexed, the last `tail` lines when given.
    /// - Throws: ``ProviderError`` naming the call (`.notFound` once the container was removed).
    package func logFrames(_ handle: ProviderHandle, tail: Int? = nil) async throws -> [DockerLogFrames.Chunk] {
        let purpose = "docker containers.logs \(handle.value)"
        let response = try await send(requests.logs(handle.value, tail: tail), purpose: purpose)
        guard response.status == 200 else { throw failure(response, purpose) }
        do {
            return try DockerLogFrames.parse(response.body)
        } catch {
            throw ProviderError(.unavailable, "\(purpose): \(error.message)")
        }
    }

    /// `run logs`: stdout and stderr interleaved as the engine framed them. The engine answers from the
    /// start (or a tail) without offsets, so following reads it whole and returns what lies past a byte
    /// offset into it, as for ACI; a removed container has no output left: empty.
    package func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk? {
        let frames: [DockerLogFrames.Chunk]
        do {
            frames = try await logFrames(handle)
        } catch let error as ProviderError where error.code == .notFound {
            return ProviderLogChunk(text: "", start: query.offset ?? 0, next: query.offset ?? 0, finished: false)
        }
        return LogTail.chunk(of: frames.reduce(into: Data()) { $0.append($1.data) }, query: query)
    }
}
