import Foundation
import PushgateCore

/// A kubeconfig user's `exec` credential plugin (docs/provider-apis.md §10.1): a command (`aws eks get-token`,
/// `gke-gcloud-auth-plugin`, `kubelogin`) that prints an `ExecCredential` whose `status.token` is the bearer
/// token, valid until its `status.expirationTimestamp`. The gateway runs it without a terminal and with a
/// timeout, so `interactiveMode: Always` is refused.
package struct KubernetesExecPlugin: Sendable, Equatable {
    /// The two ExecCredential versions client-go speaks; the plugin answers in the one it is asked for.
    package static let apiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    /// An absolute path, a path relative to the kubeconfig's folder (when it holds a `/`, as kubectl resolves
    /// it) or a name looked up on `PATH`.
    package var command: String
    package var arguments: [String]
    /// `env` of the kubeconfig: added to the gateway's own environment for the plugin.
    package var environment: [String: String]
    package var apiVersion: String
    /// `provideClusterInfo`: the cluster's `server` (and CA, when inline) go to the plugin in
    /// `KUBERNETES_EXEC_INFO`.
    package var provideClusterInfo: Bool
    /// The cluster the plugin is told about when ``provideClusterInfo`` is set.
    package var server: String
    /// Seconds the plugin may run before it is killed and the call fails.
    package var timeout: TimeInterval

    package init(
        command: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        apiVersion: String = "client.authentication.k8s.io/v1",
        provideClusterInfo: Bool = false,
        server: String = "",
        timeout: TimeInterval = 30
    ) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.apiVersion = apiVersion
        self.provideClusterInfo = provideClusterInfo
        self.server = server
        self.timeout = timeout
    }

    /// The `KUBERNETES_EXEC_INFO` value: the request half of an ExecCredential (`spec.interactive` false:
    /// the gateway never has a terminal to give the plugin).
    package var execInfo: String {
        var spec: [String: JSONValue] = ["interactive": false]
        if provideClusterInfo { spec["cluster"] = ["server": .string(server)] }
        let value: JSONValue = ["apiVersion": .string(apiVersion), "kind": "ExecCredential", "spec": .object(spec)]
        return value.serialized()
    }

    /// The token and its expiry from a plugin's standard output (`distantFuture` without an
    /// `expirationTimestamp`: client-go then keeps the token until a 401).
    /// - Throws: ``CredentialsError`` `.notConfigured` naming the plugin; the output itself is never quoted.
    package func credential(from output: String) throws -> BearerToken {
        let place = "exec plugin \(command)"
        guard let value = try? JSONValue.parse(output), value.objectValue != nil else {
            throw CredentialsError(.notConfigured, "\(place): its output is not an ExecCredential JSON object")
        }
        guard value["kind"]?.stringValue == "ExecCredential" else {
            throw CredentialsError(.notConfigured, "\(place): its output's kind is not ExecCredential")
        }
        guard value["apiVersion"]?.stringValue == apiVersion else {
            throw CredentialsError(
                .notConfigured,
                "\(place): it answered apiVersion \(value["apiVersion"]?.stringValue ?? "(none)"), not \(apiVersion)"
            )
        }
        guard let token = value.member(at: "status", "token")?.stringValue, !token.isEmpty else {
            let certificate = value.member(at: "status", "clientCertificateData") != nil
            throw CredentialsError(
                .notConfigured,
                "\(place): its ExecCredential has no status.token"
                    + (certificate ? " (client certificates from exec plugins are not supported; use client-certificate-data in the kubeconfig)" : "")
            )
        }
        var expiry = Date.distantFuture
        if let stamp = value.member(at: "status", "expirationTimestamp")?.stringValue {
            guard let parsed = Self.parseTimestamp(stamp) else {
                throw CredentialsError(.notConfigured, "\(place): status.expirationTimestamp '\(stamp)' is not an RFC 3339 time")
            }
            expiry = parsed
        }
        return BearerToken(token: token, expiresAt: expiry)
    }

    /// RFC 3339 with or without fractional seconds, as Go's `metav1.Time` writes and reads it.
    static func parseTimestamp(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
