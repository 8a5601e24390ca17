import Foundation
import PushgateCore
import PushgateHTTPServer

/// Settings of a ``CloudRunEmulator``: who may get tokens, which projects exist, how executions move,
/// and which faults to inject.
package struct CloudRunEmulatorConfiguration: Sendable {
    /// `client_email` → public key PEM (or the service-account key's private PEM).
    package var serviceAccounts: [String: String]
    /// Projects the service accounts may use; others get 403 PERMISSION_DENIED.
    package var projects: Set<String>
    package var tokenLifetime: TimeInterval
    /// Reads of the create operation (or of a not-yet-ready job) before the job is ready.
    package var operationPolls: Int
    package var pacing: WorkloadPacing
    package var faults: FaultConfiguration
    /// Path of the token endpoint on this server.
    package var tokenPath: String
    package var server: HTTPServerConfiguration

    package init(
        serviceAccounts: [String: String],
        projects: Set<String>,
        tokenLifetime: TimeInterval = 3_599,
        operationPolls: Int = 1,
        pacing: WorkloadPacing = .perPoll(pending: 1, running: 1),
        faults: FaultConfiguration = .none,
        tokenPath: String = "/token",
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) {
        self.serviceAccounts = serviceAccounts
        self.projects = projects
        self.tokenLifetime = tokenLifetime
        self.operationPolls = operationPolls
        self.pacing = pacing
        self.faults = faults
        self.tokenPath = tokenPath
        self.server = server
    }
}
