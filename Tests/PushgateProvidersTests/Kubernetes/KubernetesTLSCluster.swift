import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport

/// The kube-apiserver fake behind a TLS front with a test CA made by `openssl` at test time
/// (docs/provider-apis.md §10.6): `https://127.0.0.1:PORT`, the server certificate issued by ``ca``, client
/// certificates verified against it, `pushgate-gateway` the one certificate user. Kubeconfigs for it are
/// written to ``directory`` with the CA inline, as `kubectl config view --flatten --raw -o json` writes them.
final class KubernetesTLSCluster {
    static let certificateUser = "pushgate-gateway"
    let ca: TestCertificateAuthority
    let fake: KubernetesEmulator
    let front: TLSFrontProxy
    let directory: URL

    init(token: String) throws {
        ca = try TestCertificateAuthority()
        directory = ca.directory.appendingPathComponent("kube")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secret = UUID().uuidString
        fake = try KubernetesEmulator.start(
            configuration: KubernetesEmulatorConfiguration(token: token, certificateUsers: [Self.certificateUser], frontProxySecret: secret)
        )
        do {
            front = try TLSFrontProxy(backend: fake.baseURL, server: try ca.issueServer(), clientCA: ca.certificatePath, secret: secret)
        } catch {
            fake.stop()
            ca.remove()
            throw error
        }
    }

    func stop() {
        front.stop()
        fake.stop()
        ca.remove()
    }

    /// `certificate-authority-data` (base64 of the CA's PEM), or nil to leave the cluster CA out.
    func caData() throws -> String { try Data(contentsOf: URL(fileURLWithPath: ca.certificatePath)).base64EncodedString() }

    /// A one-context JSON kubeconfig for the front with `user`; `trustCA` false leaves the CA out (libcurl then
    /// has only the system store, which does not know the test CA).
    func kubeconfig(user: JSONValue, trustCA: Bool = true, name: String = "kubeconfig.json") throws -> String {
        var cluster: [String: JSONValue] = ["server": .string(front.baseURL)]
        if trustCA { cluster["certificate-authority-data"] = .string(try caData()) }
        let config: JSONValue = [
            "apiVersion": "v1", "kind": "Config", "current-context": "tls",
            "clusters": [["name": "tls", "cluster": .object(cluster)]],
            "users": [["name": "tls-user", "user": user]],
            "contexts": [["name": "tls", "context": ["cluster": "tls", "user": "tls-user", "namespace": "flows"]]],
        ]
        let path = directory.appendingPathComponent(name).path
        try Data(config.serialized(pretty: true).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The connection a profile naming `kubeconfig` gets (inline PEMs written under ``directory``).
    func connection(_ kubeconfig: String) throws -> KubernetesConnection {
        let cluster = try KubeconfigFile.parse(try String(contentsOfFile: kubeconfig, encoding: .utf8), path: kubeconfig, context: nil)
        return try KubernetesConnection.make(cluster, place: "creds:1", files: directory.appendingPathComponent("pem-\(UUID().uuidString)"))
    }

    /// The user object of a client certificate, inline (`-data`) or by path.
    static func certificateUser(_ issued: TestCertificateAuthority.Issued, inline: Bool) throws -> JSONValue {
        guard inline else {
            return ["client-certificate": .string(issued.certificatePath), "client-key": .string(issued.keyPath)]
        }
        let certificate = try Data(contentsOf: URL(fileURLWithPath: issued.certificatePath)).base64EncodedString()
        let key = try Data(contentsOf: URL(fileURLWithPath: issued.keyPath)).base64EncodedString()
        return ["client-certificate-data": .string(certificate), "client-key-data": .string(key)]
    }

    /// Runs `body` with one cluster and a libcurl client, stopping both whatever happens.
    static func with(
        token: String = "tls-token-0001",
        _ body: (KubernetesTLSCluster, any HTTPClient) async throws -> Void
    ) async throws {
        let cluster = try KubernetesTLSCluster(token: token)
        defer { cluster.stop() }
        try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(timeout: 10)) { http in
            try await body(cluster, http)
        }
    }
}
