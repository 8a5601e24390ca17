import Foundation
import PushgateCore

/// How a ``DockerProvider`` reaches its engine: the endpoint, the API version in every path, the
/// profile's registry credentials and the stop grace period.
package struct DockerConfiguration: Sendable, Equatable {
    package var endpoint: DockerEndpoint
    /// `v1.41` (Docker 20.10): the version the request bodies are checked against (Tests/Fixtures/docker-engine-api).
    package var apiVersion: String
    /// Used for pulls when the template gives no `registry_credentials`.
    package var registryAuth: DockerRegistryAuth?
    /// Seconds `stop` waits after SIGTERM before SIGKILL.
    package var stopTimeout: Int
    /// Total time of one API call; an image pull gets ``pullTimeout``.
    package var requestTimeout: TimeInterval
    package var pullTimeout: TimeInterval

    package init(
        endpoint: DockerEndpoint,
        apiVersion: String = "v1.41",
        registryAuth: DockerRegistryAuth? = nil,
        stopTimeout: Int = 10,
        requestTimeout: TimeInterval = 30,
        pullTimeout: TimeInterval = 600
    ) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.registryAuth = registryAuth
        self.stopTimeout = stopTimeout
        self.requestTimeout = requestTimeout
        self.pullTimeout = pullTimeout
    }
}
