import Foundation
import PushgateCore

extension ProviderKind {
    package static let kubernetes = ProviderKind(rawValue: "kubernetes")
}

extension ProviderRegistration {
    /// batch/v1 Jobs on a cluster from a `[kubernetes NAME]` profile. Paced like client-go's default client
    /// (5 requests a second, bursts of 10), well inside API priority and fairness for one client; a 429's
    /// `Retry-After` pushes the bucket out.
    package static let kubernetes = ProviderRegistration(
        type: ProviderType(
            kind: .kubernetes,
            summary: "batch/v1 Jobs on a Kubernetes cluster, pushed through its API server",
            credentialsProfileKind: "kubernetes",
            requiredConfigurationKeys: ["job_manifest"],
            pacing: PacingRate(perSecond: 5, burst: 10)
        ),
        profileKind: .kubernetes
    ) { context in
        try KubernetesProvider.make(
            credentials: context.credentials,
            profile: context.profile,
            environment: context.environment,
            http: context.http,
            clock: context.clock
        )
    }
}

extension KubernetesProvider {
    /// Reads the profile's kubeconfig (or the in-cluster service account) now: a missing context or key
    /// fails the build with its `FILE:LINE`, before any run is claimed (docs/provider-apis.md §10.1).
    package static func make(
        credentials: CredentialsFile,
        profile name: String,
        environment: [String: String],
        http: any HTTPClient,
        clock: any WallClock
    ) throws -> KubernetesProvider {
        let profile = try credentials.kubernetesProfile(name)
        let cluster: KubernetesCluster
        switch profile.source {
        case .kubeconfig(let path, let context):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CredentialsError(.invalidFile, "\(profile.place): kubeconfig \(path) cannot be read")
            }
            cluster = try KubeconfigFile.parse(text, path: path, context: context)
        case .inCluster(let directory):
            cluster = try KubeconfigFile.inCluster(environment: environment, directory: directory, place: profile.place)
        }
        return KubernetesProvider(connection: try KubernetesConnection.make(cluster, place: profile.place), http: http, clock: clock)
    }
}
