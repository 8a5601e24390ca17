import Foundation
import PushgateCore
import PushgateTestSupport
import Testing

@testable import PushgateProviders

/// The container spec, endpoint resolution, status mapping, log frames, dry-run and profile parsing, without
/// an engine.
@Suite struct DockerPureTests {
    static func job(_ configuration: JSONValue) -> SubmissionJob { DockerSwaggerTests.job(configuration) }

    @Test func theSpecCarriesCommandEnvLabelsLimitsAndNetworks() throws {
        let spec = try DockerContainerSpec.make(Self.job(DockerSwaggerTests.configurations[1])).get()
        #expect(spec.name == "pg-3f0c1a2b-run-2")
        #expect(spec.image == DockerImageReference("registry.example:5000/team/flows:2026.12"))
        #expect(spec.image.repository == "registry.example:5000/team/flows")
        #expect(spec.pullPolicy == .always)
        #expect(spec.autoRemove)
        #expect(spec.body["Cmd"] == ["python", "-m", "flow", "--name", "x y"])
        #expect(spec.body["Env"] == ["A=1", "B=two"])
        #expect(spec.body.member(at: "Labels", "pushgate.io/run-id") == "3f0c1a2b-run")
        #expect(spec.body.member(at: "Labels", "pushgate.io/attempt") == "2")
        #expect(spec.body.member(at: "Labels", "team") == "data")
        let host = spec.body["HostConfig"]
        #expect(host?["Memory"] == .int(512 << 20))
        #expect(host?["MemorySwap"] == .int(1 << 30))
        #expect(host?["NanoCpus"] == .int(1_500_000_000))
        #expect(host?["Privileged"] == true)
        #expect(host?["NetworkMode"] == "backend")
        #expect(host?["Binds"] == ["/data:/data:ro", "cache:/cache"])
        #expect(host?["AutoRemove"] == nil)  // the gateway removes it after reading the exit code
        #expect(spec.body.member(at: "NetworkingConfig", "EndpointsConfig", "metrics") == .object([:]))
        #expect(spec.registryAuth?.username == "u")
    }

    @Test func problemsNameTheirFields() {
        let bad: JSONValue = [
            "command": "echo 'open", "network_mode": "host", "networks": ["n"], "mem_limit": "12q", "volumes": ["novolume"],
            "image_pull_policy": "Sometimes",
        ]
        guard case .failure(let error) = DockerContainerSpec.make(Self.job(bad)) else {
            Issue.record("expected problems")
            return
        }
        let paths = Set(error.problems.compactMap { $0.path?.description })
        #expect(paths.isSuperset(of: ["$.image", "$.command", "$.network_mode", "$.mem_limit", "$.volumes[0]", "$.image_pull_policy"]), "\(paths)")
    }

    @Test func byteCountsFollowDockerPy() {
        #expect(DockerContainerSpec.byteCount("100000b") == 100_000)
        #expect(DockerContainerSpec.byteCount("1000k") == 1_024_000)
        #expect(DockerContainerSpec.byteCount("128M") == 128 << 20)
        #expect(DockerContainerSpec.byteCount("2g") == 2 << 30)
        #expect(DockerContainerSpec.byteCount("4096") == 4096)
        #expect(DockerContainerSpec.byteCount(.int(77)) == 77)
        #expect(DockerContainerSpec.byteCount("-1") == -1)
        #expect(DockerContainerSpec.byteCount("12q") == nil)
        #expect(DockerContainerSpec.byteCount("99999999999g") == nil)
    }

    @Test func imageReferencesSplitTagFromRegistryPort() {
        func parts(_ reference: String) -> [String] { [DockerImageReference(reference).repository, DockerImageReference(reference).tag] }
        #expect(parts("busybox") == ["busybox", "latest"])
        #expect(parts("localhost:5000/x") == ["localhost:5000/x", "latest"])
        #expect(parts("localhost:5000/x:1") == ["localhost:5000/x", "1"])
        #expect(DockerImageReference("x@sha256:ab").tag == "")
    }

    @Test func endpointsFollowTheDockerCLIConventions() throws {
        let socket = try DockerEndpoint.resolve(host: nil, tlsVerify: false, certPath: nil, place: "t")
        #expect(socket.baseURL == "http://localhost")
        #expect(socket.connection?.unixSocketPath == "/var/run/docker.sock")
        let plain = try DockerEndpoint.resolve(host: "tcp://10.0.0.5:2375", tlsVerify: false, certPath: nil, place: "t")
        #expect(plain.baseURL == "http://10.0.0.5:2375")
        #expect(plain.connection == nil)
        let tls = try DockerEndpoint.resolve(host: "tcp://docker.example:2376", tlsVerify: true, certPath: "/certs", place: "t")
        #expect(tls.baseURL == "https://docker.example:2376")
        #expect(
            tls.connection
                == HTTPConnectionOptions(clientCertificatePath: "/certs/cert.pem", clientKeyPath: "/certs/key.pem", caBundlePath: "/certs/ca.pem")
        )
        #expect(throws: ProviderError.self) { try DockerEndpoint.resolve(host: "ssh://h", tlsVerify: false, certPath: nil, place: "t") }
        #expect(DockerEndpoint.tlsVerify(environmentValue: "1"))
        #expect(!DockerEndpoint.tlsVerify(environmentValue: nil))
    }

    @Test func theProfileWinsOverTheEnvironment() throws {
        let file = try CredentialsFile(
            parsing: "[docker remote]\nhost = tcp://h:2376\ntls_verify = true\ncert_path = /c\n\n[docker env]\n",
            path: "f",
            kinds: CredentialsFileTests.allKinds
        )
        let environment = ["DOCKER_HOST": "unix:///tmp/x.sock", "DOCKER_TLS_VERIFY": "", "DOCKER_CERT_PATH": "/other"]
        let remote = try DockerProvider.make(
            credentials: file,
            profile: "remote",
            environment: environment,
            http: RecordingHTTPClient { _ in .init(status: 200) }
        )
        #expect(remote.configuration.endpoint.baseURL == "https://h:2376")
        #expect(remote.configuration.endpoint.connection?.caBundlePath == "/c/ca.pem")
        let fromEnvironment = try DockerProvider.make(
            credentials: file,
            profile: "env",
            environment: environment,
            http: RecordingHTTPClient { _ in .init(status: 200) }
        )
        #expect(fromEnvironment.configuration.endpoint.connection?.unixSocketPath == "/tmp/x.sock")
    }

    @Test func profileErrorsNameTheLineAndNeverTheSecret() {
        #expect(throws: CredentialsError.self) { try CredentialsFile(parsing: "[docker a]\nhost = ssh://x\n", path: "f", kinds: [.docker]) }
        do {
            _ = try CredentialsFile(parsing: "[docker a]\nregistry_password = hunter2-secret\n", path: "f", kinds: [.docker])
            Issue.record("a password without a username must be refused")
        } catch {
            #expect("\(error)".contains("f:1"))
            #expect(!"\(error)".contains("hunter2-secret"))
        }
        let file = try? CredentialsFile(
            parsing: "[docker a]\nregistry_username = u\nregistry_password = hunter2-secret\n",
            path: "f",
            kinds: [.docker]
        )
        #expect(!String(describing: file as Any).contains("hunter2-secret"))
    }

    @Test func statusesMapExitCodesOOMAndCancellation() throws {
        func inspect(_ state: String) throws -> JSONValue { try JSONValue.parse(Data(state.utf8)) }
        let exited0 = try inspect(#"{"State":{"Status":"exited","ExitCode":0,"OOMKilled":false}}"#)
        #expect(DockerStatusMapping.status(inspect: exited0, cancelRequested: false) == ProviderStatus(.completed, exitCode: 0))
        let exited3 = try inspect(#"{"State":{"Status":"exited","ExitCode":3,"OOMKilled":false,"Error":""}}"#)
        #expect(DockerStatusMapping.status(inspect: exited3, cancelRequested: false) == ProviderStatus(.failed, exitCode: 3, reason: "exit code 3"))
        let oom = try inspect(#"{"State":{"Status":"exited","ExitCode":137,"OOMKilled":true},"HostConfig":{"Memory":6291456}}"#)
        let oomStatus = DockerStatusMapping.status(inspect: oom, cancelRequested: false)
        #expect(oomStatus.state == .crashed)
        #expect(oomStatus.reason == "OOM-killed: the container exceeded its memory limit of 6291456 bytes")
        let stopped = try inspect(#"{"State":{"Status":"exited","ExitCode":143}}"#)
        #expect(DockerStatusMapping.status(inspect: stopped, cancelRequested: true).state == .cancelled)
        #expect(DockerStatusMapping.status(inspect: stopped, cancelRequested: false).state == .failed)
        #expect(DockerStatusMapping.status(inspect: try inspect(#"{"State":{"Status":"running"}}"#), cancelRequested: false).state == .running)
        #expect(DockerStatusMapping.status(inspect: try inspect(#"{"State":{"Status":"created"}}"#), cancelRequested: false).state == .pending)
        #expect(
            DockerStatusMapping.status(inspect: try inspect(#"{"State":{"Status":"dead","ExitCode":0}}"#), cancelRequested: false).state == .crashed
        )
        #expect(DockerStatusMapping.missing(cancelRequested: false).state == .crashed)
    }

    @Test func logFramesAreDemultiplexed() throws {
        func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
            let payload = Array(text.utf8)
            let n = UInt32(payload.count)
            return [stream, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + payload
        }
        let body = Data(frame(1, "out\n") + frame(2, "err\n") + frame(1, String(repeating: "x", count: 300)))
        let chunks = try DockerLogFrames.parse(body)
        #expect(chunks.map(\.stream) == [.stdout, .stderr, .stdout])
        #expect(chunks.map { String(decoding: $0.data, as: UTF8.self) } == ["out\n", "err\n", String(repeating: "x", count: 300)])
        #expect(try DockerLogFrames.parse(Data()) == [])
        #expect(throws: DockerLogFrames.FormatError.self) { try DockerLogFrames.parse(Data(frame(1, "abc").dropLast())) }
        #expect(throws: DockerLogFrames.FormatError.self) { try DockerLogFrames.parse(Data("plain text, no frames".utf8)) }
    }

    @Test func theDryRunIsTheEngineRequestsWithSecretsRedacted() async throws {
        let http = RecordingHTTPClient { _ in HTTPResponse(status: 500) }
        let provider = DockerProvider(configuration: DockerConfiguration(endpoint: DockerSwaggerTests.endpoint), http: http)
        var configuration = DockerSwaggerTests.configurations[1]
        configuration = .object((configuration.objectValue ?? [:]).merging(["env": ["PREFECT_API_KEY": "pnu_secret_key", "PLAIN": "shown"]]) { $1 })
        let calls = try await provider.dryRun(Self.job(configuration))
        #expect(http.requests.isEmpty)
        #expect(calls.map(\.method) == ["POST", "POST", "POST"])
        #expect(calls[0].url == "http://localhost/v1.41/images/create?fromImage=registry.example%3A5000%2Fteam%2Fflows&tag=2026.12")
        #expect(calls[0].headers["X-Registry-Auth"] == "<redacted>")
        #expect(calls[1].url == "http://localhost/v1.41/containers/create?name=pg-3f0c1a2b-run-2")
        #expect(calls[2].url == "http://localhost/v1.41/containers/pg-3f0c1a2b-run-2/start")
        #expect(calls.allSatisfy { $0.connection?.unixSocketPath == "/run/d.sock" })
        let body = String(decoding: calls[1].body, as: UTF8.self)
        #expect(body.contains("PREFECT_API_KEY=<redacted>"))
        #expect(body.contains("PLAIN=shown"))
        #expect(
            !calls.contains {
                String(decoding: $0.body, as: UTF8.self).contains("pnu_secret_key") || $0.headers.contains { $0.value.contains("pnu") }
            }
        )
    }

    @Test func theRegistryAuthHeaderIsBase64URLJSON() throws {
        let auth = DockerRegistryAuth(username: "u", password: SecretValue("p?>"), serverAddress: "r.example")
        var text = auth.header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        let json = try JSONValue.parse(try #require(Data(base64Encoded: text)))
        #expect(json == ["username": "u", "password": "p?>", "serveraddress": "r.example"])
        #expect("\(auth)".contains("p?>") == false)
    }

    /// A 409 (Docker) on create adopts the existing container; one that already left `created` is not started.
    @Test func aConflictAdoptsWithoutStartingAgain() async throws {
        let http = RecordingHTTPClient { request in
            if request.url.contains("/containers/create") { return HTTPResponse(status: 409, body: Data(#"{"message":"Conflict."}"#.utf8)) }
            if request.url.hasSuffix("/json") { return RecordingHTTPClient.ok(#"{"Id":"c1","State":{"Status":"exited","ExitCode":0}}"#) }
            return HTTPResponse(status: 500)
        }
        let provider = DockerProvider(configuration: DockerConfiguration(endpoint: DockerSwaggerTests.endpoint), http: http)
        let handle = try await provider.submit(Self.job(["image": "busybox:1", "command": "true", "image_pull_policy": "Never"]))
        #expect(handle.value == "pg-3f0c1a2b-run-2")
        #expect(http.requests.map(\.method) == ["POST", "GET"])
        #expect(!http.requests.contains { $0.url.hasSuffix("/start") })
    }
}
