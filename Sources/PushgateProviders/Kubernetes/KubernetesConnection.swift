import Foundation
import PushgateCore

/// How a ``KubernetesProvider`` reaches its cluster (docs/provider-apis.md §10.1): the API server's base URL,
/// the TLS options libcurl gets (the cluster CA always verified, a client certificate when the user has one)
/// and the bearer token source, if any. Inline kubeconfig PEMs are written once to owner-only files, since
/// libcurl takes certificates by path.
package struct KubernetesConnection: Sendable, Equatable {
    package var baseURL: String
    package var options: HTTPConnectionOptions?
    package var token: KubernetesTokenSource.Origin?
    package var defaultNamespace: String
    /// The server URL as configured, for messages and the pacing key.
    package var server: String

    package init(baseURL: String, options: HTTPConnectionOptions?, token: KubernetesTokenSource.Origin?, defaultNamespace: String, server: String) {
        self.baseURL = baseURL
        self.options = options
        self.token = token
        self.defaultNamespace = defaultNamespace
        self.server = server
    }

    /// - Parameter files: where inline PEMs are written (a fresh private folder under the temporary
    ///   directory by default).
    /// - Throws: ``CredentialsError`` naming `place` for a refused server URL or an unwritable PEM.
    package static func make(_ cluster: KubernetesCluster, place: String, files: URL? = nil) throws -> KubernetesConnection {
        let server = try EndpointURL.validate(cluster.server, key: "server", place: place)
        var folder: URL?
        func path(_ source: KubernetesCluster.PEMSource?, _ name: String) throws -> String? {
            switch source {
            case nil: return nil
            case .file(let path)?: return path
            case .data(let pem)?:
                let directory =
                    folder ?? (files ?? FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-kube-\(UUID().uuidString)"))
                if folder == nil {
                    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    folder = directory
                }
                let file = directory.appendingPathComponent(name)
                guard FileManager.default.createFile(atPath: file.path, contents: Data(pem.value.utf8), attributes: [.posixPermissions: 0o600])
                else {
                    throw CredentialsError(.invalidValue, "\(place): cannot write the kubeconfig's \(name) to \(directory.path)")
                }
                return file.path
            }
        }
        let ca = try path(cluster.certificateAuthority, "ca.crt")
        let certificate = try path(cluster.clientCertificate, "client.crt")
        let key = try path(cluster.clientKey, "client.key")
        let options =
            ca == nil && certificate == nil ? nil : HTTPConnectionOptions(clientCertificatePath: certificate, clientKeyPath: key, caBundlePath: ca)
        var token: KubernetesTokenSource.Origin?
        if let fixed = cluster.token {
            token = .fixed(fixed)
        } else if let file = cluster.tokenFile {
            token = .file(file)
        } else if let plugin = cluster.exec {
            token = .exec(plugin)
        }
        if token == nil && certificate == nil {
            throw CredentialsError(
                .invalidValue,
                "\(place): context '\(cluster.contextName)' has no token, tokenFile, exec plugin or client certificate to authenticate with"
            )
        }
        return KubernetesConnection(
            baseURL: server.hasSuffix("/") ? String(server.dropLast()) : server,
            options: options,
            token: token,
            defaultNamespace: cluster.namespace ?? "default",
            server: server
        )
    }
}
