import Foundation
import PushgateHTTPServer

/// What a ``KubernetesEmulator`` accepts and how fast its Jobs move.
package struct KubernetesEmulatorConfiguration: Sendable {
    /// The bearer token the fake accepts at first; any other gets 401 (``KubernetesEmulator/rotateToken(to:)``
    /// replaces it, as a rotated or expired token stops working).
    package var token: String
    /// Client-certificate users: a TLS front that verified a client certificate against the cluster CA forwards
    /// its common name in `X-Remote-User` with ``frontProxySecret`` (kube-apiserver's request-header
    /// authentication); a listed name is authenticated without a token. Empty: no certificate users.
    package var certificateUsers: Set<String>
    /// The value the front puts in `X-Pushgate-Front-Secret`; `X-Remote-User` is believed only with it.
    package var frontProxySecret: String?
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
        certificateUsers: Set<String> = [],
        frontProxySecret: String? = nil,
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) {
        self.token = token
        self.certificateUsers = certificateUsers
        self.frontProxySecret = frontProxySecret
        self.podDelay = podDelay
        self.pending = pending
        self.running = running
        self.conditionLag = conditionLag
        self.foregroundDeletion = foregroundDeletion
        self.server = server
    }
}
