import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport
import Testing

/// `pushgate serve --prefect-api` against a real Prefect server, driven by Prefect's own CLI and SDK: the
/// flow runs as a `process` subprocess through `prefect flow-run execute`, and Prefect shows it Completed
/// (or Failed), with the `infrastructure_pid` pushgate recorded. Nothing is faked. The server requires basic
/// auth, so the flow can only report back with the auth string the bridge injected into its submission.
@Suite("Prefect bridge against a real Prefect server", .serialized, .enabled(if: PrefectServer.isAvailable || PrefectServer.isRequired))
struct PrefectServeTests {
    @Test(.timeLimit(.minutes(5))) func aProcessPoolRunsTheRealFlowsToCompletedAndFailed() async throws {
        let authString = "pushgate:pw-\(UUID().uuidString)"
        let prefect = try await PrefectServer(authString: authString)
        defer { prefect.stop() }
        try await prefect.cli([
            "work-pool", "create", "local", "--type", "process", "--base-job-template", Fixtures.url("prefect/process-pool-template.json").path,
        ])
        try await Self.checkReportsWhatServeWouldServe(prefect)
        let source = prefect.home.appendingPathComponent("flows")
        try FileManager.default.copyItem(at: Fixtures.url("prefect/flows"), to: source)
        let deployed = try await prefect.python(try Fixtures.string("prefect/deploy.py"), arguments: [source.path, "local"])
        #expect(deployed.contains("DEPLOYMENT hello") && deployed.contains("DEPLOYMENT broken"))
        let hello = try #require(Self.uuid(in: try await prefect.cli(["deployment", "run", "hello/hello"])))
        let broken = try #require(Self.uuid(in: try await prefect.cli(["deployment", "run", "broken/broken"])))

        let binary = try #require(GatewayProcess.binary())
        let log = prefect.home.appendingPathComponent("gateway.log")
        let gateway = try GatewayProcess(
            binary: binary,
            arguments: [
                "--db", prefect.home.appendingPathComponent("gateway.db").path, "serve", "--listen", "127.0.0.1:0", "--poll-interval", "0.5",
                "--prefect-api", prefect.apiURL, "--prefect-pool", "local=process",
            ],
            environment: prefect.environment,
            logURL: log
        )
        defer { gateway.terminate() }

        let helloRun = try await Self.waitForTerminal(hello, prefect: prefect)
        let brokenRun = try await Self.waitForTerminal(broken, prefect: prefect)
        #expect(helloRun["state"]?["type"]?.stringValue == "COMPLETED", "gateway log: \(gateway.output.suffix(2000))")
        #expect(brokenRun["state"]?["type"]?.stringValue == "FAILED", "gateway log: \(gateway.output.suffix(2000))")
        #expect(helloRun["infrastructure_pid"]?.stringValue?.hasPrefix("pg-") == true)
        // Prefect's UI shows the pool's queue READY: the bridge heartbeats it as a worker does.
        let queue = try JSONValue.parse(try await prefect.get("/work_pools/local/queues/default"))
        #expect(queue["status"]?.stringValue == "READY")
        // The auth string reached the flow runs (they reported back) but neither the log nor the store.
        gateway.terminate()
        #expect(!gateway.output.contains(authString))
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: prefect.home.appendingPathComponent("gateway.db" + suffix))) ?? Data()
            #expect(bytes.range(of: Data(authString.utf8)) == nil, "gateway.db\(suffix) holds the auth string")
        }
    }

    /// `pushgate prefect check` against the same server: the version, a servable pool, a missing one, and a
    /// template that lacks what the mapped type builds its requests from.
    static func checkReportsWhatServeWouldServe(_ prefect: PrefectServer) async throws {
        func check(_ pools: [String]) async -> (ExitCode, CapturedOutput) {
            let (context, output) = CommandContext.capturing(environment: prefect.environment)
            let arguments = ["prefect", "check", "--prefect-api", prefect.apiURL, "--json"] + pools.flatMap { ["--prefect-pool", $0] }
            return (await PushgateCommand.main(arguments, context: context), output)
        }
        let (ok, okOutput) = await check(["local=process"])
        #expect(ok == .success, "\(okOutput.stderr)")
        let report = try JSONValue.parse(okOutput.stdout)
        #expect(report["version"]?.stringValue == "3.9.1")
        #expect(report["pools"]?.arrayValue?.first?["ok"] == .bool(true), "\(okOutput.stdout)")
        let (bad, badOutput) = await check(["local=process", "nowhere=process", "local=ecs:push"])
        #expect(bad == .failure)
        let pools = try #require(try JSONValue.parse(badOutput.stdout)["pools"]?.arrayValue)
        #expect(pools.map { $0["ok"] } == [.bool(true), .bool(false), .bool(false)])
        #expect(pools[1]["problems"]?.arrayValue?.first?.stringValue?.contains("no work pool 'nowhere'") == true, "\(pools[1])")
        #expect(pools[2]["problems"]?.arrayValue?.isEmpty == false, "the process template cannot make an ECS task: \(pools[2])")
    }

    static func uuid(in output: String) -> String? {
        guard let range = output.range(of: #"UUID: [0-9a-f-]{36}"#, options: .regularExpression) else { return nil }
        return String(output[range].dropFirst(6))
    }

    static func waitForTerminal(_ id: String, prefect: PrefectServer, timeout: TimeInterval = 150) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let run = try JSONValue.parse(try await prefect.get("/flow_runs/\(id)"))
            let type = run["state"]?["type"]?.stringValue ?? ""
            if ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].contains(type) || Date() > deadline { return run }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }
}
