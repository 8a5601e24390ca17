import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// `exec` credential plugins run for real (a shell script) against the fake over TLS (docs/provider-apis.md
/// §10.1): the token cached until its `expirationTimestamp`, the plugin re-run after it and after a 401, its
/// kubeconfig `args`/`env` and `KUBERNETES_EXEC_INFO` passed, a hung plugin killed at its timeout.
@Suite("Kubernetes: exec credential plugins", .timeLimit(.minutes(2)))
struct KubernetesExecPluginTests {
    /// A plugin that counts its runs in `$STATE/runs`, records its arguments and exec info, and prints the
    /// token in `$STATE/token` with the expiry in `$STATE/expiry`.
    static let script = """
        #!/bin/sh
        n=$(cat "$STATE/runs" 2>/dev/null || echo 0)
        echo $((n + 1)) > "$STATE/runs"
        echo "$@" > "$STATE/args"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$STATE/info"
        printf '{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "%s", "expirationTimestamp": "%s"}}' \\
          "$(cat "$STATE/token")" "$(cat "$STATE/expiry")"
        """

    static func write(_ text: String, _ url: URL, executable: Bool = false) throws {
        try Data(text.utf8).write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path) }
    }

    static func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theTokenIsCachedUntilExpiryAndThePluginRerunsAfterItAndAfterA401() async throws {
        try await KubernetesTLSCluster.with(token: "exec-token-1111") { cluster, http in
            let state = cluster.directory.appendingPathComponent("state")
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            try Self.write(Self.script, cluster.directory.appendingPathComponent("get-token.sh"), executable: true)
            let start = Date()
            let clock = ManualClock(start)
            let formatter = ISO8601DateFormatter()
            try Self.write("exec-token-1111", state.appendingPathComponent("token"))
            try Self.write(formatter.string(from: start.addingTimeInterval(600)), state.appendingPathComponent("expiry"))
            let kubeconfig = try cluster.kubeconfig(user: [
                "exec": [
                    "apiVersion": "client.authentication.k8s.io/v1", "command": "./get-token.sh", "args": ["--cluster", "tls"],
                    "env": [["name": "STATE", "value": .string(state.path)]], "provideClusterInfo": true, "interactiveMode": "IfAvailable",
                ]
            ])
            let provider = KubernetesProvider(connection: try cluster.connection(kubeconfig), http: http, clock: clock)
            let tokens = try #require(provider.tokens)
            let job = try KubernetesTLSTests.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.lookUp(job) == handle)
            #expect(try Self.read(state.appendingPathComponent("runs")) == "1")
            #expect(await tokens.execRuns == 1)
            #expect(try Self.read(state.appendingPathComponent("args")) == "--cluster tls")
            let info = try JSONValue.parse(try Self.read(state.appendingPathComponent("info")))
            #expect(info["kind"]?.stringValue == "ExecCredential")
            #expect(info.member(at: "spec", "interactive")?.boolValue == false)
            #expect(info.member(at: "spec", "cluster", "server")?.stringValue == cluster.front.baseURL)

            // Inside the refresh margin before expiry: run again, before the server could refuse it.
            clock.advance(by: 600 - KubernetesTokenSource.execRefreshMargin + 1)
            try Self.write(formatter.string(from: start.addingTimeInterval(7200)), state.appendingPathComponent("expiry"))
            #expect(try await provider.lookUp(job) == handle)
            #expect(try Self.read(state.appendingPathComponent("runs")) == "2")

            // Revoked early: four calls in flight with the old token all get 401; the plugin runs once more
            // between them (a late 401 does not throw the new token away) and each call goes through.
            cluster.fake.rotateToken(to: "exec-token-2222")
            try Self.write("exec-token-2222", state.appendingPathComponent("token"))
            let handles = try await withThrowingTaskGroup(of: ProviderHandle?.self) { group in
                for _ in 0..<4 { group.addTask { try await provider.lookUp(job) } }
                return try await group.reduce(into: [ProviderHandle?]()) { $0.append($1) }
            }
            #expect(handles == Array(repeating: handle, count: 4))
            #expect(try Self.read(state.appendingPathComponent("runs")) == "3")
            // All four normally go out before the first 401 comes back; at least two must have, for the check
            // above to be about concurrent 401s.
            #expect((2...4).contains(cluster.fake.unauthorizedCalls), "\(cluster.fake.unauthorizedCalls) calls got 401")
            #expect(cluster.fake.callsByUser == ["token:1111": 3, "token:2222": 4])
            #expect(cluster.fake.jobsCreated == 1)
        }
    }

    @Test func aHungPluginIsKilledAtItsTimeoutAndAFailingOneIsReported() async throws {
        try await KubernetesTLSCluster.with { cluster, http in
            let hung = cluster.directory.appendingPathComponent("hung.sh")
            try Self.write("#!/bin/sh\nexec sleep 300\n", hung, executable: true)
            var connection = try cluster.connection(
                try cluster.kubeconfig(user: ["exec": ["apiVersion": "client.authentication.k8s.io/v1", "command": .string(hung.path)]])
            )
            guard case .exec(var plugin)? = connection.token else {
                Issue.record("no exec token source")
                return
            }
            plugin.timeout = 1
            connection.token = .exec(plugin)
            let provider = KubernetesProvider(connection: connection, http: http, clock: RecordingSleepClock())
            let started = Date()
            let error = await #expect(throws: ProviderError.self) { try await provider.lookUp(try KubernetesTLSTests.job()) }
            // Killed at its 1 s timeout, not waited for: a loaded test run can be late by seconds, never by 300.
            #expect(Date().timeIntervalSince(started) < 60)
            #expect(error?.code == .unauthorized)
            #expect(error?.message.contains("did not finish within 1 s") == true)

            let failing = cluster.directory.appendingPathComponent("failing.sh")
            try Self.write("#!/bin/sh\necho 'no credentials for profile ops' >&2\nexit 3\n", failing, executable: true)
            plugin.command = failing.path
            plugin.timeout = 10
            connection.token = .exec(plugin)
            let refused = KubernetesProvider(connection: connection, http: http, clock: RecordingSleepClock())
            let failure = await #expect(throws: ProviderError.self) { try await refused.lookUp(try KubernetesTLSTests.job()) }
            #expect(failure?.message.contains("exited with status 3: no credentials for profile ops") == true)
            #expect(cluster.fake.callsByUser.isEmpty)
            #expect(cluster.fake.unauthorizedCalls == 0)
        }
    }
}
