import Foundation
import PushgateHTTPServer

/// What a ``KubernetesEmulator`` accepts and how fast its Jobs move.
package struct KubernetesEmulatorConfiguration: Sendable {
    /// The bearer token the fake accepts; any other gets 401.
    package var token: String
    /// Seconds after the create before the Job controller makes the pod (a Job is first seen without pods).
    package var podDelay: TimeInterval
    /// Seconds the pod stays Pending, then Running.
    package var pending: TimeInterval
    package var running: TimeInterval
    /// Seconds after the pod ends before the Job's condition is written (status lags).
    package var conditionLag: TimeInterval
    /// Seconds a foreground deletion keeps the Job (marked) while its pods are removed.
    package var foregroundDeletion: TimeInterval
    package var server: HTTPServerConfiguration

    package init(
        token: String,
        podDelay: TimeInterval = 0.2,
        pending: TimeInterval = 0.3,
        running: TimeInterval = 0.5,
        conditionLag: TimeInterval = 0.2,
        foregroundDeletion: TimeInterval = 0.3,
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) {
        self.token = token
        self.podDelay = podDelay
        self.pending = pending
        self.running = running
        self.conditionLag = conditionLag
        self.foregroundDeletion = foregroundDeletion
        self.server = server
    }
}
