import Foundation
import PushgateCLI
import PushgateCore
import PushgateHTTP
import PushgateTestSupport
import Testing

/// What `pushgate serve` refuses or warns about before anyone is exposed, run as a real process.
@Suite struct ServeSafetyTests {
    @Test func noTokenIsRefusedOffLoopback() async throws {
        let cli = PoolCLIHarness()
        let open = await cli.run("serve", "--listen", "0.0.0.0:0")
        #expect(open.status == .usage)
        #expect(open.err == "pushgate serve: refusing to listen on 0.0.0.0 without an API token (--token or PUSHGATE_API_TOKENS)\n", "\(open.err)")
        #expect(await cli.run("serve", "--listen", "192.0.2.10:0").status == .usage)
    }

    @Test func aCredentialsFileOthersCanReadIsWarnedAboutAndMetricsCanBePublic() async throws {
        let binary = try #require(GatewayProcess.binary(), "build the pushgate executable first (swift build)")
        let cli = PoolCLIHarness()
        let credentials = try cli.file(
            "credentials",
            "[aws main]\nregion = us-east-1\naccess_key_id = AKIDEXAMPLE\nsecret_access_key = s3cr3t-planted\n"
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: credentials)
        let logURL = cli.directory.appendingPathComponent("serve.log")
        let gateway = try GatewayProcess(
            binary: binary,
            arguments: [
                "--db", cli.database, "serve", "--credentials", credentials, "--listen", "127.0.0.1:0", "--metrics-public", "--log-format", "json",
            ],
            logURL: logURL
        )
        defer { gateway.terminate(timeout: 10) }
        #expect(await gateway.waitForOutput("API listening", timeout: 30))
        let output = gateway.output
        #expect(output.contains("the credentials file is readable by group or others; chmod 600 it"))
        #expect(output.contains(#""mode":"644""#), "\(output)")
        #expect(output.contains("no API token"))
        #expect(!output.contains("s3cr3t-planted"))
        let line = try #require(output.split(separator: "\n").first { $0.contains("API listening") })
        let address = try #require(try JSONValue.parse(String(line))["address"]?.stringValue)
        try await withCurlHTTPClient { http in
            let metrics = try await http.execute(HTTPRequest(method: "GET", url: "http://\(address)/metrics"))
            #expect(metrics.status == 200 && String(decoding: metrics.body, as: UTF8.self).contains("pushgate_"))
            let pools = try await http.execute(HTTPRequest(method: "GET", url: "http://\(address)/work_pools"))
            #expect(pools.status == 401)
        }
        // chmod 600: no warning.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentials)
        let quiet = try GatewayProcess(
            binary: binary,
            arguments: [
                "--db", cli.database, "serve", "--credentials", credentials, "--listen", "127.0.0.1:0", "--token", "t", "--log-format", "json",
            ],
            logURL: cli.directory.appendingPathComponent("serve-2.log")
        )
        defer { quiet.terminate(timeout: 10) }
        #expect(await quiet.waitForOutput("API listening", timeout: 30))
        #expect(!quiet.output.contains("readable by group or others") && !quiet.output.contains("no API token"))
    }

    /// `--max-connections-per-client` reaches the API server: past it, one address's connections are closed
    /// at once while another address is served; a value that is not a whole number is refused.
    @Test func theAPIServerLimitsConnectionsPerClientAddress() async throws {
        let cli = PoolCLIHarness()
        let bad = await cli.run("serve", "--max-connections-per-client", "many")
        #expect(bad.status == .usage)
        #expect(bad.err == "pushgate serve: option '--max-connections-per-client' expects a whole number (0: no limit), got 'many'\n", "\(bad.err)")
        let badEnvironment = await cli.run(["serve"], environment: ["PUSHGATE_MAX_CONNECTIONS_PER_CLIENT": "-1"])
        #expect(badEnvironment.status == .usage, "\(badEnvironment.err)")
        #expect(await cli.run("serve", "--help").out.contains("--max-connections-per-client N"))

        let binary = try #require(GatewayProcess.binary(), "build the pushgate executable first (swift build)")
        let gateway = try GatewayProcess(
            binary: binary,
            arguments: [
                "--db", cli.database, "serve", "--listen", "127.0.0.1:0", "--max-connections-per-client", "2", "--log-format", "json",
            ],
            logURL: cli.directory.appendingPathComponent("serve.log")
        )
        defer { gateway.terminate(timeout: 10) }
        #expect(await gateway.waitForOutput("API listening", timeout: 30))
        let line = try #require(gateway.output.split(separator: "\n").first { $0.contains("API listening") })
        let address = try #require(try JSONValue.parse(String(line))["address"]?.stringValue)
        let port = try #require(address.split(separator: ":").last.flatMap { UInt16($0) })
        var held: [LoopbackTCPConnection] = []
        defer { held.forEach { $0.close() } }
        for _ in 0..<3 {
            let connection = try LoopbackTCPConnection(port: port, from: "127.0.0.1")
            connection.send("GET /health HTTP/1.1\r\nHost: a\r\n")
            held.append(connection)
        }
        #expect(held[2].closedByPeer(within: 2), "the third connection from 127.0.0.1 was kept")
        #expect(!held[0].closedByPeer(within: 0.1) && !held[1].closedByPeer(within: 0.1))
        let other = try LoopbackTCPConnection(port: port, from: "127.0.0.2")
        defer { other.close() }
        other.send("GET /health HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
        #expect(LoopbackTCPConnection.status(of: other.read(timeout: 5).bytes) == 200)
    }
}
