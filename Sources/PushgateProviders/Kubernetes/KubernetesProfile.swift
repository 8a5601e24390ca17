/// A `[kubernetes NAME]` profile: which cluster the gateway pushes Jobs to and how it authenticates
/// (docs/provider-apis.md §10.1). Either a kubeconfig (JSON, as `kubectl config view --flatten -o json`
/// writes it) with an optional context, or the pod's own service account (`source = in_cluster`).
package struct KubernetesProfile: Sendable, Equatable {
    package enum Source: Sendable, Equatable {
        /// A kubeconfig file; `context` nil means its `current-context`.
        case kubeconfig(path: String, context: String?)
        /// `KUBERNETES_SERVICE_HOST`/`_PORT` and the service-account token and CA in `directory`.
        case inCluster(directory: String)
    }

    package var name: String
    package var source: Source
    package var place: String

    /// Where Kubernetes mounts a pod's service-account token, CA and namespace.
    package static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"
}
