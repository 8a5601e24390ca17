import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// Each kubeconfig auth kind against the fake over TLS on loopback with a test CA (docs/provider-apis.md
/// §10.1, §10.6): a bearer token, a client certificate (verified against the CA, refused from another CA or
/// when absent), a rotated `tokenFile`, and the cluster CA always verified.
@Suite("Kubernetes: auth kinds over TLS with a test CA", .timeLimit(.minutes(2)))
struct KubernetesTLSTests {
    static func job(runID: String = BearerProviderTestSupport.runID) throws -> SubmissionJob {
        try KubernetesEmulatorTests.job(image: "busybox:1.36", runID: runID)
    }

    @Test func aBearerTokenWorksOverTLSAndTheClusterCAIsAlwaysVerified() async throws {
        try await KubernetesTLSCluster.with(token: "tls-token-0001") { cluster, http in
            let kubeconfig = try cluster.kubeconfig(user: ["token": "tls-token-0001"])
            let provider = KubernetesProvider(connection: try cluster.connection(kubeconfig), http: http, clock: RecordingSleepClock())
            #expect(provider.connection.baseURL.hasPrefix("https://127.0.0.1:"))
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(handle.value == "default/" + KubernetesJobSpec.jobName(job.idempotencyKey))
            #expect(try await provider.lookUp(job) == handle)
            #expect(cluster.fake.callsByUser == ["token:0001": 2])

            // Without the cluster CA libcurl has only the system store: the handshake fails before any call.
            let untrusting = try cluster.kubeconfig(user: ["token": "tls-token-0001"], trustCA: false, name: "no-ca.json")
            let blind = KubernetesProvider(connection: try cluster.connection(untrusting), http: http, clock: RecordingSleepClock())
            let error = await #expect(throws: ProviderError.self) { try await blind.lookUp(job) }
            #expect(error?.code == .unavailable)
            #expect(cluster.fake.callsByUser == ["token:0001": 2])
        }
    }

    @Test(arguments: [true, false])
    func aClientCertificateFromTheClusterCAAuthenticatesWithoutAToken(inline: Bool) async throws {
        try await KubernetesTLSCluster.with { cluster, http in
            let issued = try cluster.ca.issueClient(commonName: KubernetesTLSCluster.certificateUser)
            let kubeconfig = try cluster.kubeconfig(user: try KubernetesTLSCluster.certificateUser(issued, inline: inline))
            let connection = try cluster.connection(kubeconfig)
            #expect(connection.token == nil)
            let provider = KubernetesProvider(connection: connection, http: http, clock: RecordingSleepClock())
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.lookUp(job) == handle)
            #expect(cluster.fake.callsByUser == ["cert:\(KubernetesTLSCluster.certificateUser)": 2])
            #expect(cluster.fake.jobsCreated == 1)
            // The dry-run shows no Authorization for a certificate user, and never the key.
            let shown = try await provider.dryRun(job).first
            #expect(shown?.headers["Authorization"] == nil)
            let key = try String(contentsOfFile: issued.keyPath, encoding: .utf8)
            #expect(shown.map { !String(decoding: $0.body, as: UTF8.self).contains(key) } == true)
        }
    }

    @Test func noCertificateIs401AndACertificateFromAnotherCAFailsTheHandshake() async throws {
        try await KubernetesTLSCluster.with { cluster, http in
            // No client certificate and no token: TLS is fine, the API answers 401 — also when the client sends
            // the front's user header itself (the front drops it).
            let url = cluster.front.baseURL + "/apis/batch/v1/namespaces/flows/jobs"
            var anonymous = HTTPRequest(method: "GET", url: url, connection: HTTPConnectionOptions(caBundlePath: cluster.ca.certificatePath))
            anonymous.headers.add("X-Remote-User", KubernetesTLSCluster.certificateUser)
            anonymous.headers.add("X-Pushgate-Front-Secret", "guess")
            let response = try await http.execute(anonymous)
            #expect(response.status == 401)
            #expect(KubernetesRequests.reason(response) == "Unauthorized")
            #expect(cluster.fake.unauthorizedCalls == 1)

            // A certificate with the right name from a CA the cluster does not trust.
            let rogue = try TestCertificateAuthority(name: "rogue-ca")
            defer { rogue.remove() }
            let forged = try rogue.issueClient(commonName: KubernetesTLSCluster.certificateUser)
            let kubeconfig = try cluster.kubeconfig(user: try KubernetesTLSCluster.certificateUser(forged, inline: false), name: "rogue.json")
            let provider = KubernetesProvider(connection: try cluster.connection(kubeconfig), http: http, clock: RecordingSleepClock())
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(try Self.job()) }
            #expect(error != nil)
            #expect(cluster.fake.jobsCreated == 0)
            #expect(cluster.fake.callsByUser.isEmpty)
        }
    }

    /// A projected token rotated in place: a changed file is read before the next call (no 401); a rewrite the
    /// file's stamp does not show is caught by the 401, re-read once and retried; a token the file no longer
    /// matches fails after exactly that one retry.
    @Test func aRotatedTokenFileIsReReadAndA401RetriesOnce() async throws {
        try await KubernetesTLSCluster.with(token: "file-token-aaaa") { cluster, http in
            let tokenFile = cluster.directory.appendingPathComponent("token")
            try Data("file-token-aaaa\n".utf8).write(to: tokenFile)
            let kubeconfig = try cluster.kubeconfig(user: ["tokenFile": "token"])
            let connection = try cluster.connection(kubeconfig)
            #expect(connection.token == .file(tokenFile.path))
            let provider = KubernetesProvider(connection: connection, http: http, clock: RecordingSleepClock())
            let job = try Self.job()
            let handle = try await provider.submit(job)

            cluster.fake.rotateToken(to: "file-token-bbbb")
            try Data("file-token-bbbb\n".utf8).write(to: tokenFile)
            #expect(try await provider.lookUp(job) == handle)
            #expect(cluster.fake.unauthorizedCalls == 0)

            // Rewritten in place with the same size and the same modification time to the nanosecond (what a
            // coarse-timestamp file system shows): only the 401 tells.
            var before = stat()
            #expect(stat(tokenFile.path, &before) == 0)
            cluster.fake.rotateToken(to: "file-token-cccc")
            let handleForWrite = try FileHandle(forWritingTo: tokenFile)
            try handleForWrite.write(contentsOf: Data("file-token-cccc\n".utf8))
            try handleForWrite.close()
            var times = [before.st_atim, before.st_mtim]
            #expect(utimensat(AT_FDCWD, tokenFile.path, &times, 0) == 0)
            #expect(try await provider.lookUp(job) == handle)
            #expect(cluster.fake.unauthorizedCalls == 1)

            cluster.fake.rotateToken(to: "file-token-dddd")
            let error = await #expect(throws: ProviderError.self) { try await provider.lookUp(job) }
            #expect(error?.code == .unauthorized)
            #expect(error?.message.contains("file-token") == false)
            #expect(cluster.fake.unauthorizedCalls == 3)
            #expect(cluster.fake.callsByUser == ["token:aaaa": 1, "token:bbbb": 1, "token:cccc": 1])
        }
    }
}
