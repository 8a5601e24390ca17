import Foundation
import PushgateCLI
import PushgateCore
import PushgateStore
import Testing

@Suite struct CleanupCommandTests {
    /// A finished run whose clean-up the provider refused is listed with its attempts and last error, and
    /// `run inspect` shows a tracking note while a workload is unconfirmed.
    @Test func listsPendingCleanUpsAndShowsTrackingNotes() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p")
        let empty = await cli.run("cleanup", "ls", "--json")
        #expect(empty.status == .success && empty.json == .array([]), "\(empty.err)")
        let now = Date()
        let store = try await SQLiteStore.open(path: cli.database)
        var ids: [String] = []
        for _ in 0..<2 { ids.append(try await store.createRun(FlowRunSpec(deploymentName: "d", scheduledTime: now), now: now).run.id) }
        _ = try await store.claim(pool: "p", owner: "gw", limit: 10, leaseDuration: 60, now: now)
        for (index, id) in ids.enumerated() {
            _ = try await store.markSubmitted(runID: id, owner: "gw", providerHandle: "job-\(index)", now: now)
        }
        try await store.setTrackingNote(runID: ids[1], note: "executions.get answered 404; executions.list failed")
        _ = try await store.markTerminal(runID: ids[0], state: .completed, reason: "exit 0", now: now)
        try await store.deferCleanup(runID: ids[0], error: "jobs.delete: HTTP 400: FAILED_PRECONDITION", nextAttemptAt: now.addingTimeInterval(60))
        await store.close()

        let listed = try #require(await cli.run("cleanup", "ls", "--json").json?.arrayValue)
        #expect(listed.count == 1)
        #expect(listed.first?["run_id"] == .string(ids[0]))
        #expect(listed.first?["provider_handle"] == .string("job-0"))
        #expect(listed.first?["attempts"] == .int(1))
        #expect(listed.first?["last_error"] == .string("jobs.delete: HTTP 400: FAILED_PRECONDITION"))
        let table = await cli.run("cleanup", "ls")
        #expect(table.out.contains("FAILED_PRECONDITION") && table.out.contains("job-0"))

        let inspect = await cli.run("run", "inspect", ids[1])
        #expect(inspect.out.contains("tracking:         unconfirmed: executions.get answered 404"), "\(inspect.out)")
        #expect(await cli.run("run", "inspect", ids[1], "--json").json?["tracking_note"] != .null)
        #expect(await cli.run("cleanup", "ls", "extra").status == .usage)
        #expect(await cli.run("cleanup", "ls", "--limit", "0").status == .usage)
        #expect(await cli.run("cleanup", "--help").out.contains("cleanup ls"))
    }
}
