/// A `[docker NAME]` profile: which engine, how to reach it, and registry credentials for pulls
/// (docs/provider-apis.md §7.1). Keys it leaves out come from the gateway's `DOCKER_HOST`,
/// `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`, so an empty section means "the engine the docker CLI uses".
package struct DockerProfile: Sendable, Equatable {
    package var name: String
    /// `unix:///var/run/docker.sock` or `tcp://HOST:PORT`.
    package var host: String?
    /// The folder with `ca.pem`, `cert.pem`, `key.pem`.
    package var certPath: String?
    package var tlsVerify: Bool?
    package var registryAuth: DockerRegistryAuth?
    package var place: String
}
