import Foundation
import PushgateCore

/// Where the Docker Engine API answers and how to connect to it, resolved the way the docker CLI reads
/// `DOCKER_HOST`, `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` (docs/provider-apis.md §7.1).
package struct DockerEndpoint: Sendable, Equatable {
    /// `http://localhost` for a unix socket, else `http(s)://host:port`; the versioned path follows.
    package var baseURL: String
    package var connection: HTTPConnectionOptions?
    /// The `DOCKER_HOST` form it came from, for messages.
    package var host: String

    package static let defaultHost = "unix:///var/run/docker.sock"

    /// - Parameters:
    ///   - host: `unix:///path` or `tcp://host:port` (nil: the default socket).
    ///   - tlsVerify: TLS with the daemon's CA verified and a client certificate (`DOCKER_TLS_VERIFY`).
    ///   - certPath: the folder holding `ca.pem`, `cert.pem` and `key.pem` (`DOCKER_CERT_PATH`).
    /// - Throws: ``ProviderError`` `.invalidConfiguration` naming `place` for a host of another scheme.
    package static func resolve(host: String?, tlsVerify: Bool, certPath: String?, place: String) throws -> DockerEndpoint {
        let host = host.flatMap { $0.isEmpty ? nil : $0 } ?? defaultHost
        if host.hasPrefix("unix://") {
            let path = String(host.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw ProviderError(.invalidConfiguration, "\(place): docker host \(host): a unix socket needs an absolute path")
            }
            return DockerEndpoint(baseURL: "http://localhost", connection: HTTPConnectionOptions(unixSocketPath: path), host: host)
        }
        guard host.hasPrefix("tcp://"), host.count > "tcp://".count else {
            throw ProviderError(.invalidConfiguration, "\(place): docker host \(host): expected unix:///PATH or tcp://HOST:PORT")
        }
        let address = String(host.dropFirst("tcp://".count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard tlsVerify else { return DockerEndpoint(baseURL: "http://\(address)", connection: nil, host: host) }
        let folder = certPath.flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.docker")
        return DockerEndpoint(
            baseURL: "https://\(address)",
            connection: HTTPConnectionOptions(
                clientCertificatePath: folder + "/cert.pem",
                clientKeyPath: folder + "/key.pem",
                caBundlePath: folder + "/ca.pem"
            ),
            host: host
        )
    }

    /// `DOCKER_TLS_VERIFY` as the docker CLI reads it: any non-empty value switches TLS on.
    package static func tlsVerify(environmentValue: String?) -> Bool { !(environmentValue ?? "").isEmpty }
}
