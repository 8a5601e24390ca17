import Foundation

/// One cluster and the user to reach it as, resolved from a kubeconfig context or from the pod's service
/// account (docs/provider-apis.md §10.1). Inline `*-data` values stay in memory until
/// ``KubernetesConnection`` writes them to private files for libcurl; the client key and the token are
/// ``SecretValue``s.
package struct KubernetesCluster: Sendable, Equatable {
    /// `https://HOST:PORT` (plain `http` only on loopback, ``EndpointURL``).
    package var server: String
    /// The kubeconfig context this came from (`in-cluster` for the service account).
    package var contextName: String
    /// The context's namespace, used when the template names none.
    package var namespace: String?
    package var certificateAuthority: PEMSource?
    package var clientCertificate: PEMSource?
    package var clientKey: PEMSource?
    package var token: SecretValue?
    /// Re-read on every call, so a projected service-account token rotated by the kubelet is picked up.
    package var tokenFile: String?
    /// An `exec` credential plugin that prints the token (run with a timeout, its token cached until expiry).
    package var exec: KubernetesExecPlugin?

    /// A PEM given as a file or inline (the kubeconfig's base64 `*-data`, already decoded).
    package enum PEMSource: Sendable, Equatable {
        case file(String)
        case data(SecretValue)
    }

    /// The values a dry-run or an error must never show.
    package var secretValues: [String] {
        var out: [String] = []
        if let token { out.append(token.value) }
        if case .data(let key)? = clientKey { out.append(key.value) }
        return out
    }
}
