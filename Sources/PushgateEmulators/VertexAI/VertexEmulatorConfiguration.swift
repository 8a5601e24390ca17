import Foundation
import PushgateHTTPServer

/// What a ``VertexEmulator`` accepts and which of the answer shapes the real API allows it gives
/// (docs/provider-apis.md §9.6). Defaults in brackets.
package struct VertexEmulatorConfiguration: Sendable {
    /// How the project is written in a created job's `name`.
    package enum NameProject: String, Sendable, Equatable, CaseIterable {
        /// The project number (`projects/123456789012/…`), as the real API answers whatever the request used.
        case number
        /// The project id the request used (`projects/my-project/…`).
        case id
    }

    /// client_email → PEM private key of the service accounts whose assertions are accepted.
    package var serviceAccounts: [String: String]
    /// Project id → project number. A path may name either; any other project gets 403.
    package var projects: [String: String]
    package var pacing: WorkloadPacing
    package var tokenPath = "/token"
    package var tokenLifetime: TimeInterval = 3_599
    package var server: HTTPServerConfiguration
    /// The project in `name` as its number [`.number`] or as the id the create used.
    package var nameProject = NameProject.number
    /// `customJobs.get` reads of a cancelled job answering `JOB_STATE_CANCELLING` before it is
    /// `JOB_STATE_CANCELLED` [1]; 0 is cancelled in the first read after `:cancel`.
    package var cancellingReads = 1
    /// The most jobs one `customJobs.list` page holds, whatever `pageSize` asks [100]; more are behind a
    /// `nextPageToken`.
    package var listPageSize = 100
    /// Seconds a `customJobs.create` takes to answer after the job is made [0]. The real create is not
    /// instant; a client killed meanwhile has made a job it never heard of, which its label look-up must find.
    package var createAnswerDelay: TimeInterval = 0

    package init(
        serviceAccounts: [String: String],
        projects: [String: String],
        pacing: WorkloadPacing = .perPoll(pending: 1, running: 1),
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) {
        self.serviceAccounts = serviceAccounts
        self.projects = projects
        self.pacing = pacing
        self.server = server
    }
}
