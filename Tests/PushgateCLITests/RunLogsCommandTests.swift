import Foundation
import PushgateCLI
import PushgateCore
import Testing

/// `pushgate run logs`'s conventions: one line on stderr prefixed `pushgate run logs:`, exit 2 for usage,
/// 1 for a checked failure, and a run without a workload yet is said so rather than printed as empty.
@Suite struct RunLogsCommandTests {
    @Test func usageErrorsUnknownRunsAndRunsWithoutOutput() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "local", "--type", "process")
        await cli.run("deployment", "create", "d", "--pool", "local", "--vars", #"{"command": "echo hi"}"#)
        let id = await cli.run("run", "create", "d").out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36)

        let missing = await cli.run("run", "logs")
        #expect(missing.status == .usage && missing.err == "pushgate run logs: missing ID\n", "\(missing.err)")
        let badLines = await cli.run("run", "logs", id, "--lines", "-3")
        #expect(badLines.status == .usage && badLines.err.hasPrefix("pushgate run logs: --lines"), "\(badLines.err)")
        let stray = await cli.run("run", "logs", id, "--json")
        #expect(stray.status == .usage)
        let unknown = await cli.run("run", "logs", "no-such-run")
        #expect(unknown.status == .failure && unknown.err.hasPrefix("pushgate run logs: "), "\(unknown.err)")
        let notYet = await cli.run("run", "logs", id)
        #expect(notYet.status == .success && notYet.out.isEmpty && notYet.err.contains("has no output yet (Scheduled)"), "\(notYet.err)")
        #expect(await cli.run("run", "--help").out.contains("run logs ID [--follow]"))
    }
}
