import Foundation
import PushgateCore
import PushgateTestSupport
import Testing

/// `pushgate serve --prefect-api` against a real Prefect server, driven by Prefect's own CLI and SDK: the
/// flow runs as a `process` subprocess through `prefect flow-run execute`, and Prefect shows it Completed
/// (or Failed), with the `infrastructure_pid` pushgate recorded. Nothing is faked.
@Suite("Prefect bridge against a real Prefect server", .serialized, .enabled(if: PrefectServer.isAvailable || PrefectServer.isRequired))
struct PrefectServeTests {
    @Test(.timeLimit(.minutes(5))) func aProcessPoolRunsTheRealFlowsToCompletedAndFailed() async throws {
        let prefect = try await PrefectServer()
        defer { prefect.stop() }
        try prefect.cli([
            "work-pool", "create", "local", "--type", "process", "--base-job-template", Fixtures.url("prefect/process-pool-template.json").path,
        ])
        let source = prefect.home.appendingPathComponent("flows")
        try FileManager.default.copyItem(at: Fixtures.url("prefect/flows"), to: source)
        let deployed = try prefect.python(try Fixtures.string("prefect/deploy.py"), arguments: [source.path, "local"])
        #expect(deployed.contains("DEPLOYMENT hello") && deployed.contains("DEPLOYMENT broken"))
        let hello = try #require(Self.uuid(in: try prefect.cli(["deployment", "run", "hello/hello"])))
        let broken = try #require(Self.uuid(in: try prefect.cli(["deployment", "run", "broken/broken"])))

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
        let queue = try JSONValue.parse(try prefect.get("/work_pools/local/queues/default"))
        #expect(queue["status"]?.stringValue == "READY")
    }

    static func uuid(in output: String) -> String? {
        guard let range = output.range(of: #"UUID: [0-9a-f-]{36}"#, options: .regularExpression) else { return nil }
        return String(output[range].dropFirst(6))
    }

    static func waitForTerminal(_ id: String, prefect: PrefectServer, timeout: TimeInterval = 150) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let run = try JSONValue.parse(try prefect.get("/flow_runs/\(id)"))
            let type = run["state"]?["type"]?.stringValue ?? ""
            if ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].contains(type) || Date() > deadline { return run }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }
}
