import Foundation
import PushgateCore

extension ProviderKind {
    package static let docker = ProviderKind(rawValue: "docker")
}

extension ProviderRegistration {
    /// A Docker-compatible engine from a `[docker NAME]` profile and the gateway's `DOCKER_*` environment. The
    /// engine is local or on the network, not a metered cloud API: 10 creates a second, bursts of 20.
    package static let docker = ProviderRegistration(
        type: ProviderType(
            kind: .docker,
            summary: "containers on a Docker-compatible engine (Engine API v1.41)",
            credentialsProfileKind: "docker",
            requiredConfigurationKeys: ["image", "command", "env"],
            pacing: PacingRate(perSecond: 10, burst: 20)
        ),
        profileKind: .docker
    ) { context in
        try DockerProvider.make(
            credentials: context.credentials,
            profile: context.profile,
            environment: context.environment,
            http: context.http
        )
    }
}

extension DockerProvider {
    /// The profile's keys, else `DOCKER_HOST`, `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` from `environment`
    /// (docs/provider-apis.md §7.1).
    package static func make(
        credentials: CredentialsFile,
        profile name: String,
        environment: [String: String],
        http: any HTTPClient
    ) throws -> DockerProvider {
        let profile = try credentials.dockerProfile(name)
        let endpoint = try DockerEndpoint.resolve(
            host: profile.host ?? environment["DOCKER_HOST"],
            tlsVerify: profile.tlsVerify ?? DockerEndpoint.tlsVerify(environmentValue: environment["DOCKER_TLS_VERIFY"]),
            certPath: profile.certPath ?? environment["DOCKER_CERT_PATH"],
            place: profile.place
        )
        return DockerProvider(configuration: DockerConfiguration(endpoint: endpoint, registryAuth: profile.registryAuth), http: http)
    }
}
