import Foundation
import PushgateCore

/// Settings of a ``CloudRunV2Provider`` (per credentials profile): the endpoint, the default project and
/// how long to wait for the job-create operation (docs/provider-apis.md §3.1, §3.2).
package struct CloudRunV2Configuration: Sendable {
    /// `https://run.googleapis.com` unless the profile's `run_endpoint` overrides it.
    package var runEndpoint: String
    /// The profile's (or key file's) project, used when the job configuration names none.
    package var project: String?
    /// Between polls of the create operation (Prefect polls every 5 s).
    package var operationPollInterval: TimeInterval
    /// The create operation must be done within this; after it the submission is given up.
    package var operationTimeout: TimeInterval
    package var retryPolicy: RetryPolicy
    /// Seeds the backoff jitter (tests); nil uses the system generator.
    package var randomSeed: UInt64?

    package init(
        runEndpoint: String = "https://run.googleapis.com",
        project: String? = nil,
        operationPollInterval: TimeInterval = 1,
        operationTimeout: TimeInterval = 600,
        retryPolicy: RetryPolicy = .cloudRun,
        randomSeed: UInt64? = nil
    ) {
        self.runEndpoint = runEndpoint.hasSuffix("/") ? String(runEndpoint.dropLast()) : runEndpoint
        self.project = project
        self.operationPollInterval = operationPollInterval
        self.operationTimeout = operationTimeout
        self.retryPolicy = retryPolicy
        self.randomSeed = randomSeed
    }
}
