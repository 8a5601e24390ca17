import Foundation
import PushgateCore
import PushgateEmulators
import PushgateProviders
import PushgateStore
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Each kubeconfig auth kind through `pushgate serve`, over TLS on loopback with a test CA
    /// (docs/provider-apis.md §10.1, §10.6): four pools on one cluster, with a static token, a client
    /// certificate, a `tokenFile` and an `exec` plugin script. Midway the file's and the plugin's tokens are
    /// revoked and replaced; the gateway keeps going without a restart (the file re-read, the plugin re-run
    /// after its 401).
    @Suite struct KubernetesAuthGatewayTests {
        static let registrations: [(kind: ProviderKind, emulator: EmulatorRegistration)] = [(.kubernetes, .kubernetes)]

        static func kubeconfig(server: String, ca: String, user: JSONValue) -> String {
            let config: JSONValue = [
                "apiVersion": "v1", "kind": "Config", "current-context": "tls",
                "clusters": [["name": "tls", "cluster": ["server": .string(server), "certificate-authority-data": .string(ca)]]],
                "users": [["name": "u", "user": user]],
                "contexts": [["name": "tls", "context": ["cluster": "tls", "user": "u"]]],
            ]
            return config.serialized(pretty: true)
        }

        @Test func everyAuthKindSubmitsAndRevokedTokensAreRefreshedWithoutARestart() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 0.3), registrations: Self.registrations)
            defer { Task { await h.close() } }
            let ca = try TestCertificateAuthority()
            defer { ca.remove() }
            let secret = UUID().uuidString
            let fake = try KubernetesEmulator.start(
                configuration: KubernetesEmulatorConfiguration(
                    token: "static-token-s001",
                    certificateUsers: ["pushgate-gateway"],
                    frontProxySecret: secret
                )
            )
            defer { fake.stop() }
            fake.acceptToken("file-token-f001")
            fake.acceptToken("exec-token-e001")
            let front = try TLSFrontProxy(backend: fake.baseURL, server: try ca.issueServer(), clientCA: ca.certificatePath, secret: secret)
            defer { front.stop() }

            let folder = ca.directory.appendingPathComponent("serve")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            func write(_ text: String, _ name: String, mode: Int = 0o600) throws -> String {
                let url = folder.appendingPathComponent(name)
                try Data(text.utf8).write(to: url)
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
                return url.path
            }
            let caData = try Data(contentsOf: URL(fileURLWithPath: ca.certificatePath)).base64EncodedString()
            let client = try ca.issueClient(commonName: "pushgate-gateway")
            let tokenFile = try write("file-token-f001\n", "token")
            _ = try write("exec-token-e001", "exec-token")
            let plugin = try write(
                """
                #!/bin/sh
                n=$(cat "\(folder.path)/exec-runs" 2>/dev/null || echo 0)
                echo $((n + 1)) > "\(folder.path)/exec-runs"
                printf '{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"token": "%s"}}' \
                  "$(cat "\(folder.path)/exec-token")"
                """,
                "plugin.sh",
                mode: 0o700
            )
            let users: [(String, JSONValue)] = [
                ("token", ["token": "static-token-s001"]),
                ("cert", ["client-certificate": .string(client.certificatePath), "client-key": .string(client.keyPath)]),
                ("file", ["tokenFile": .string(tokenFile)]),
                ("exec", ["exec": ["apiVersion": "client.authentication.k8s.io/v1beta1", "command": .string(plugin)]]),
            ]
            var sections = ""
            for (name, user) in users {
                let path = try write(Self.kubeconfig(server: front.baseURL, ca: caData, user: user), "\(name).json")
                sections += "\n[kubernetes tls-\(name)]\nkubeconfig = \(path)\n"
            }
            let credentials = try FileHandle(forWritingTo: URL(fileURLWithPath: h.suite.credentialsPath))
            try credentials.seekToEnd()
            try credentials.write(contentsOf: Data(sections.utf8))
            try credentials.close()
            for (name, _) in users {
                _ = try await h.store.createPool(
                    WorkPoolSpec(
                        name: "k8s-\(name)",
                        type: "kubernetes",
                        baseJobTemplate: try EndToEndHarness.template(.kubernetes),
                        credentialsProfile: "tls-\(name)"
                    ),
                    now: Date()
                )
                _ = try await h.store.createDeployment(
                    DeploymentSpec(name: "d-\(name)", poolName: "k8s-\(name)", jobVariables: #"{"image": "busybox:1.36"}"#),
                    now: Date()
                )
                try await h.runs("d-\(name)", count: 3)
            }
            try h.startGateway()
            #expect(try await h.waitForAllTerminal(timeout: 60))
            #expect(fake.jobsCreated == 12)

            fake.revokeToken("file-token-f001")
            fake.revokeToken("exec-token-e001")
            fake.acceptToken("file-token-f002")
            fake.acceptToken("exec-token-e002")
            _ = try write("file-token-f002\n", "token")
            _ = try write("exec-token-e002", "exec-token")
            for (name, _) in users { try await h.runs("d-\(name)", count: 3) }
            #expect(try await h.waitForAllTerminal(timeout: 60))

            let runs = try await h.store.runs(FlowRunFilter(limit: 100))
            #expect(runs.count == 24)
            #expect(runs.allSatisfy { $0.state == .completed }, "\(runs.filter { $0.state != .completed }.map { "\($0.state) \($0.stateReason)" })")
            #expect(fake.jobsCreated == 24)
            #expect(fake.createsByName.values.allSatisfy { $0 == 1 })
            let calls = fake.callsByUser
            for user in ["token:s001", "cert:pushgate-gateway", "token:f001", "token:f002", "token:e001", "token:e002"] {
                #expect(calls[user, default: 0] > 0, "\(user): \(calls)")
            }
            // The plugin ran once for the first token and once more after its 401 (not once per call).
            let runsOfPlugin = try String(contentsOf: folder.appendingPathComponent("exec-runs"), encoding: .utf8)
            #expect(runsOfPlugin.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
            #expect(!h.allLogs.contains("exec-token-e00") && !h.allLogs.contains("file-token-f00"), "a token reached the logs")
            #expect(h.gateway?.terminate() == 0)
        }
    }
}
