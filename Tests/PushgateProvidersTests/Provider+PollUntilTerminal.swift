import Foundation
import PushgateCore

extension Provider {
    /// Polls `handle` until its state is terminal (at most `limit` polls) and returns every status seen,
    /// as the poller would; each poll happens at `now` (the wall clock when nil). A poll that reports
    /// nothing for the handle ends the list, so a test comparing the states sees it.
    func pollUntilTerminal(
        _ handle: ProviderHandle,
        job: SubmissionJob,
        cancelRequested: Bool = false,
        now: Date? = nil,
        limit: Int = 20
    ) async throws -> [ProviderStatus] {
        var seen: [ProviderStatus] = []
        for _ in 0..<limit {
            let target = PollTarget(
                handle: handle,
                job: job,
                cancelRequested: cancelRequested,
                submittedAt: job.now,
                now: now ?? Date()
            )
            guard let status = try await poll([target])[handle] else { break }
            seen.append(status)
            if status.state.isTerminal { break }
        }
        return seen
    }
}
