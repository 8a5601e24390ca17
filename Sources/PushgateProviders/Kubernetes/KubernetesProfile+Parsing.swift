extension KubernetesProfile: CredentialProfile {
    package static let kind = "kubernetes"

    /// `[kubernetes NAME]`: `kubeconfig = PATH` with an optional `context`, or `source = in_cluster` with an
    /// optional `service_account_dir` (default ``KubernetesProfile/serviceAccountDirectory``). The kubeconfig
    /// itself is read when the provider is built, so a rotated file is picked up on the next start.
    static func parse(_ r: inout CredentialsFile.Reader) throws -> KubernetesProfile {
        let source = r.string("source")
        let kubeconfig = r.string("kubeconfig")
        let context = r.string("context")
        let directory = r.string("service_account_dir")
        switch source {
        case nil, "kubeconfig"?:
            guard let kubeconfig, !kubeconfig.isEmpty else {
                throw CredentialsError(
                    .invalidValue,
                    "\(r.place): [kubernetes \(r.section.name)]: kubeconfig = PATH is required (or source = in_cluster)"
                )
            }
            if directory != nil {
                throw CredentialsError(.invalidValue, "\(r.place("service_account_dir")): service_account_dir: only with source = in_cluster")
            }
            return KubernetesProfile(name: r.section.name, source: .kubeconfig(path: kubeconfig, context: context), place: r.place)
        case "in_cluster"?:
            if kubeconfig != nil || context != nil {
                throw CredentialsError(
                    .invalidValue,
                    "\(r.place("source")): [kubernetes \(r.section.name)]: source = in_cluster takes no kubeconfig or context"
                )
            }
            return KubernetesProfile(
                name: r.section.name,
                source: .inCluster(directory: directory ?? serviceAccountDirectory),
                place: r.place
            )
        case let other?:
            throw CredentialsError(.invalidValue, "\(r.place("source")): source: expected kubeconfig or in_cluster, not '\(other)'")
        }
    }
}

extension CredentialProfileKind {
    package static let kubernetes = CredentialProfileKind(KubernetesProfile.self, parse: KubernetesProfile.parse)
}

extension CredentialsFile {
    package func kubernetesProfile(_ name: String) throws -> KubernetesProfile {
        try profile(KubernetesProfile.self, named: name)
    }
}
