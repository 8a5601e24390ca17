import Foundation
import PushgateHTTPServer

/// What a ``CloudRunV1Emulator`` accepts and which of the answer shapes the real API allows it gives
/// (docs/provider-apis.md §8.1–§8.4).
package struct CloudRunV1EmulatorConfiguration: Sendable {
    /// client_email → PEM private key of the service accounts whose assertions are accepted.
    package var serviceAccounts: [String: String]
    package var projects: Set<String>
    package var pacing: WorkloadPacing
    package var tokenPath = "/token"
    package var server: HTTPServerConfiguration
    /// The job's `Ready` condition is `Unknown` for this many `jobs.get` reads before it turns `True` [1];
    /// 0 is ready in the first answer.
    package var readyAfterReads = 1
    /// `jobs.run` answers the Execution [true] or only a bare `{}` body whose name must be read from the
    /// job's `latestCreatedExecution` (false).
    package var runAnswersExecution = true
    /// The first N `executions.get` of each execution answer 404 although it exists (an execution that
    /// appears late) [0].
    package var executionNotFoundReads = 0
    /// Seconds `jobs.run` takes to answer after the execution is made [0]. `:run` has no idempotency key:
    /// a client killed meanwhile started an execution it never heard of, which it must find before it runs
    /// the job again.
    package var runAnswerDelay: TimeInterval = 0

    package init(
        serviceAccounts: [String: String],
        projects: Set<String>,
        pacing: WorkloadPacing = .perPoll(pending: 1, running: 1),
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) {
        self.serviceAccounts = serviceAccounts
        self.projects = projects
        self.pacing = pacing
        self.server = server
    }
}
