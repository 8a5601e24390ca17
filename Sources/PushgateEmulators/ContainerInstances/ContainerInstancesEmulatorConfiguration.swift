import Foundation
import PushgateHTTPServer

/// Settings of a ``ContainerInstancesEmulator``: the Entra ID applications, subscriptions and resource
/// groups that exist, accepted API versions, how groups move, and which faults to inject.
package struct ContainerInstancesEmulatorConfiguration: Sendable {
    package var applications: [EntraTokenEndpoint.Application]
    /// Subscription id → resource group name → location.
    package var resourceGroups: [String: [String: String]]
    /// `api-version` values accepted for container groups (docs/provider-apis.md §4.1).
    package var apiVersions: Set<String>
    package var tokenLifetime: TimeInterval
    package var pacing: WorkloadPacing
    package var faults: FaultConfiguration
    package var server: HTTPServerConfiguration
    /// GETs answering 404 for groups that exist and run on (``NotFoundWindow``); nil: never.
    package var notFoundWindow: NotFoundWindow?
    /// The first this many resource-group GETs answer 404 `ResourceGroupNotFound` although the resource group
    /// exists, as ARM may while it re-reads one (docs/provider-apis.md §4.3); 0: never.
    package var resourceGroupNotFoundReads: Int

    package init(
        applications: [EntraTokenEndpoint.Application],
        resourceGroups: [String: [String: String]],
        apiVersions: Set<String> = ["2023-05-01", "2025-09-01"],
        tokenLifetime: TimeInterval = 3_599,
        pacing: WorkloadPacing = .perPoll(pending: 1, running: 1),
        faults: FaultConfiguration = .none,
        server: HTTPServerConfiguration = HTTPServerConfiguration(),
        notFoundWindow: NotFoundWindow? = nil,
        resourceGroupNotFoundReads: Int = 0
    ) {
        self.applications = applications
        self.resourceGroups = resourceGroups
        self.apiVersions = apiVersions
        self.tokenLifetime = tokenLifetime
        self.pacing = pacing
        self.faults = faults
        self.server = server
        self.notFoundWindow = notFoundWindow
        self.resourceGroupNotFoundReads = resourceGroupNotFoundReads
    }
}
