import Foundation
import PushgateCore

/// Settings of a ``ContainerInstancesProvider`` (per credentials profile): the ARM endpoint and API
/// versions (docs/provider-apis.md §4.1).
package struct ContainerInstancesConfiguration: Sendable {
    /// `https://management.azure.com` unless the profile's `management_endpoint` overrides it.
    package var managementEndpoint: String
    /// The profile's subscription, used when the job configuration names none.
    package var subscriptionID: String?
    /// The SDK default and a stable spec (§4.1).
    package var apiVersion: String
    /// For `GET resourceGroups/{rg}`, read when the configuration names no location.
    package var resourceGroupAPIVersion: String
    package var retryPolicy: RetryPolicy
    package var randomSeed: UInt64?

    package static let defaultAPIVersion = "2023-05-01"

    package init(
        managementEndpoint: String = "https://management.azure.com",
        subscriptionID: String? = nil,
        apiVersion: String = ContainerInstancesConfiguration.defaultAPIVersion,
        resourceGroupAPIVersion: String = "2021-04-01",
        retryPolicy: RetryPolicy = .azure,
        randomSeed: UInt64? = nil
    ) {
        self.managementEndpoint = managementEndpoint.hasSuffix("/") ? String(managementEndpoint.dropLast()) : managementEndpoint
        self.subscriptionID = subscriptionID
        self.apiVersion = apiVersion
        self.resourceGroupAPIVersion = resourceGroupAPIVersion
        self.retryPolicy = retryPolicy
        self.randomSeed = randomSeed
    }
}
