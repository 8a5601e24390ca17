import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport
import Testing

/// `pushgate serve --retain`, run as a real process: finished runs older than the window go while the
/// gateway runs; Scheduled runs and recent ends stay.
@Suite struct ServeRetentionTests {
    @Test func serveRetainPrunesFinishedRunsAndKeepsTheRest() async throws {
        let binary = try #require(GatewayProcess.binary(), "build the pushgate executable first (swift build)")
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p")
        var ids: [String] = []
        for _ in 0..<4 { ids.append(await cli.run("run", "create", "d", "--in", "1h").out.trimmingCharacters(in: .whitespacesAndNewlines)) }
        for id in ids.prefix(3) { #expect(await cli.run("run", "cancel", id).status == .success) }
        try await Task.sleep(nanoseconds: 1_200_000_000)
        #expect(await cli.run("serve", "--retain", "a while").status == .usage)
        let gateway = try GatewayProcess(
            binary: binary,
            arguments: ["--db", cli.database, "serve", "--listen", "127.0.0.1:0", "--retain", "1s", "--log-format", "json"],
            logURL: cli.directory.appendingPathComponent("serve.log")
        )
        defer { gateway.terminate(timeout: 10) }
        #expect(await gateway.waitForOutput("pruned finished runs", timeout: 30), "\(gateway.output)")
        #expect(gateway.output.contains(#""runs":"3""#), "\(gateway.output)")
        #expect(gateway.terminate(timeout: 10) == 0)
        let left = try #require(await cli.run("run", "ls", "--json").json?["runs"]?.arrayValue)
        #expect(left.compactMap { $0["id"]?.stringValue } == [ids[3]])
    }
}
