import Foundation

extension Process {
    /// Starts the process and suspends until it exits, without holding a thread: a test that waited with
    /// `waitUntilExit` pinned one of the two cooperative threads for as long as a Prefect CLI call takes
    /// (seconds), starving the suites running beside it.
    package func runUntilExit() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            terminationHandler = { _ in continuation.resume() }
            do {
                try run()
            } catch {
                terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}
