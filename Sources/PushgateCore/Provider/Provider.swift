import Foundation

/// One serverless provider: turns a rendered job configuration into a workload and reports its status.
/// Implementations live in `PushgateProviders` and do all IO through ``HTTPClient``; the dispatcher
/// and poller in `PushgateServer` only see this protocol.
///
/// The call sequence and the idempotency recipes are `docs/provider-apis.md` §1.3 and each provider's section.
package protocol Provider: Sendable {
    var kind: ProviderKind { get }

    /// Problems that make `configuration` unsubmittable (missing image, cluster, region, resource group…),
    /// found before any call; each names the field.
    func validate(_ job: SubmissionJob) -> [TemplateProblem]

    /// The quota this job's submission counts against (provider, account, region), so the dispatcher
    /// paces calls per quota and not per pool or profile.
    func pacingKey(for job: SubmissionJob) -> PacingKey

    /// Submits the job once, carrying its idempotency key, and returns the handle to track it by.
    /// Runs the checks of ``validate(_:)`` first and throws `invalidConfiguration` (nothing sent) when
    /// they find problems, so the dispatcher does not validate separately.
    /// Throws ``ProviderError``; an ambiguous failure is marked so the caller looks the key up
    /// (``lookUp(_:)``) before anything is re-sent.
    func submit(_ job: SubmissionJob) async throws -> ProviderHandle

    /// Finds a workload submitted earlier for this job's idempotency key (reconciliation after a crash
    /// or an ambiguous failure); nil when the provider has none.
    func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle?

    /// The current status of each target, batched where the API allows (ECS DescribeTasks: 100).
    func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus]

    /// Asks the provider to stop the workload (StopTask, execution cancel, ACI stop, sandbox terminate).
    /// `job` is the run's submission re-rendered from the store, for what the handle does not carry
    /// (region, resource group, project…).
    func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws

    /// Removes what the run left behind once it is terminal (Cloud Run job, ACI group, per-run task
    /// definitions when configured). Harmless to call twice.
    func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws

    /// Every request a submission would send, in order, fully signed where signing needs no network,
    /// with secrets redacted; sends nothing (`pushgate dry-run`).
    func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest]

    /// The run's output as the provider keeps it, tail or from an offset; nil when the provider offers no
    /// logs for this run (the default in the ``Provider`` extension; ECS without awslogs, Modal).
    func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk?

    /// The workload's page in the provider's own console (ECS task, Cloud Run execution, ACI group), for
    /// the run page; nil where there is none (the default in the ``Provider`` extension).
    func consoleURL(_ handle: ProviderHandle, job: SubmissionJob) -> String?

    /// What a submission would do, for providers whose plan is not only HTTP (the `process` type's
    /// command line); by default the requests of ``dryRun(_:)``.
    func dryRunSteps(_ job: SubmissionJob) async throws -> [DryRunStep]
}
