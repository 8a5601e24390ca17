import Foundation
import PushgateCore
import PushgateHTTPServer

/// Settings of a ``CloudRunEmulator``: who may get tokens, which projects exist, how executions move,
/// which of the answer shapes the real API allows it gives, and which faults to inject
/// (docs/provider-apis.md §3.9).
package struct CloudRunEmulatorConfiguration: Sendable {
    /// How `Job.latestCreatedExecution.name` (an `ExecutionReference`) is written (docs/provider-apis.md §3.3).
    package enum ExecutionReferenceName: String, Sendable, Equatable {
        /// The execution id alone (`{job}-abc12`), as the real API may answer: not a name to GET.
        case shortID
        /// The full resource name `projects/…/jobs/{job}/executions/{id}`.
        case fullName
    }

    /// `client_email` → public key PEM (or the service-account key's private PEM).
    package var serviceAccounts: [String: String]
    /// Projects the service accounts may use; others get 403 PERMISSION_DENIED.
    package var projects: Set<String>
    package var tokenLifetime: TimeInterval
    /// Reads of the create operation (or of a not-yet-ready job) before the job is ready; 0 makes the
    /// `jobs.create` answer `done` already.
    package var operationPolls: Int
    package var pacing: WorkloadPacing
    package var faults: FaultConfiguration
    /// Path of the token endpoint on this server.
    package var tokenPath: String
    package var server: HTTPServerConfiguration
    /// `latestCreatedExecution.name` as a short id (the default, as the real API may) or a full name.
    package var executionReferenceName: ExecutionReferenceName
    /// Whether the `jobs.run` operation carries the Execution (with its full name) as `metadata`, as the
    /// real API does (and Prefect's worker reads); false answers an operation with only `name` and `done`.
    package var runOperationMetadata: Bool
    /// `operations.get` reads of a `jobs.run` operation before it is `done` (with the Execution as
    /// `response`): nil, the default and the real API's way, is done only when the execution completes;
    /// 0 is done already in the `jobs.run` answer.
    package var runOperationPolls: Int?
    /// The most executions one `executions.list` page holds, whatever `pageSize` asks; more are behind a
    /// `nextPageToken`.
    package var executionListPageSize: Int
    /// The first N `executions.get` of each execution answer 404 NOT_FOUND although it exists and runs
    /// (a stale read); `executions.list` still lists it. 0, the default, never.
    package var executionNotFoundReads: Int
    /// The first N `jobs.get` of each job that has started an execution answer 404 NOT_FOUND although
    /// it exists. 0, the default, never.
    package var jobNotFoundReads: Int

    package init(
        serviceAccounts: [String: String],
        projects: Set<String>,
        tokenLifetime: TimeInterval = 3_599,
        operationPolls: Int = 1,
        pacing: WorkloadPacing = .perPoll(pending: 1, running: 1),
        faults: FaultConfiguration = .none,
        tokenPath: String = "/token",
        server: HTTPServerConfiguration = HTTPServerConfiguration(),
        executionReferenceName: ExecutionReferenceName = .shortID,
        runOperationMetadata: Bool = true,
        runOperationPolls: Int? = nil,
        executionListPageSize: Int = 100,
        executionNotFoundReads: Int = 0,
        jobNotFoundReads: Int = 0
    ) {
        self.serviceAccounts = serviceAccounts
        self.projects = projects
        self.tokenLifetime = tokenLifetime
        self.operationPolls = operationPolls
        self.pacing = pacing
        self.faults = faults
        self.tokenPath = tokenPath
        self.server = server
        self.executionReferenceName = executionReferenceName
        self.runOperationMetadata = runOperationMetadata
        self.runOperationPolls = runOperationPolls
        self.executionListPageSize = max(1, executionListPageSize)
        self.executionNotFoundReads = executionNotFoundReads
        self.jobNotFoundReads = jobNotFoundReads
    }
}
