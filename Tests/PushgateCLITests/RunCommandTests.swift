import CSQLite3
import Foundation
import PushgateCLI
import PushgateCore
import Testing

@Suite struct RunCommandTests {
    func setUp() async -> PoolCLIHarness {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p")
        return cli
    }

    @Test func pruneDeletesOnlyRunsThatEndedBeforeTheCutoff() async throws {
        let cli = await setUp()
        var ids: [String] = []
        for _ in 0..<3 { ids.append(await cli.run("run", "create", "d", "--in", "1h").out.trimmingCharacters(in: .whitespacesAndNewlines)) }
        for id in ids.prefix(2) { #expect(await cli.run("run", "cancel", id).status == .success) }
        #expect(await cli.run("run", "prune", "--finished-before", "1h").out.hasPrefix("pruned 0 finished run(s)"), "none ended an hour ago")
        try await Task.sleep(nanoseconds: 20_000_000)
        let pruned = await cli.run("run", "prune", "--finished-before", "0s", "--batch", "1", "--json")
        #expect(pruned.status == .success, "\(pruned.err)")
        #expect(pruned.json?["pruned"] == .int(2), "two batches of one")
        let left = try #require(await cli.run("run", "ls", "--json").json?["runs"]?.arrayValue)
        #expect(left.compactMap { $0["id"]?.stringValue } == [ids[2]], "the Scheduled run stays")
        let missing = await cli.run("run", "prune")
        #expect(missing.status == .usage && missing.err.contains("--finished-before"), "\(missing.err)")
        #expect(await cli.run("run", "prune", "--finished-before", "soon").status == .usage)
        #expect(await cli.run("run", "prune", "--finished-before", "1d", "--batch", "0").status == .usage)
    }

    @Test func createListInspectCancel() async throws {
        let cli = await setUp()
        let created = await cli.run("run", "create", "d", "--at", "2030-01-02T03:04:05Z", "--vars", #"{"cpu": 256}"#)
        #expect(created.status == .success, "\(created.err)")
        let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36)
        await cli.run("run", "create", "d", "--in", "1h30m")
        let list = try #require(await cli.run("run", "ls", "--json").json?["runs"]?.arrayValue)
        #expect(list.count == 2)
        for key in ["id", "deployment", "queue", "state", "scheduled_time"] { #expect(list[0][key] != nil) }
        #expect(list.last?["id"] == .string(id))
        #expect(list.last?["scheduled_time"] == .string("2030-01-02T03:04:05Z"))
        #expect(list.last?["state"] == .string("Scheduled"))
        #expect(try #require(await cli.run("run", "ls", "--state", "late", "--json").json?["runs"]?.arrayValue).isEmpty)
        #expect(try #require(await cli.run("run", "ls", "--pool", "p", "--state", "Scheduled", "--json").json?["runs"]?.arrayValue).count == 2)

        let cancel = await cli.run("run", "cancel", id)
        #expect(cancel.status == .success)
        #expect(cancel.out.contains("Cancelled"))
        let inspect = try #require(await cli.run("run", "inspect", id, "--json").json)
        #expect(inspect["state"] == .string("Cancelled"))
        #expect(inspect["job_variables"]?["cpu"] == .int(256))
        let history = try #require(inspect["history"]?.arrayValue)
        #expect(history.map { $0["to"] } == [.string("Scheduled"), .string("Cancelled")])
        #expect(await cli.run("run", "inspect", id).out.contains("Scheduled → Cancelled"))
        // Terminal is final.
        let again = await cli.run("run", "cancel", id)
        #expect(again.status == .failure)
        #expect(again.err.contains("terminal"))
    }

    @Test func idempotencyKey() async throws {
        let cli = await setUp()
        let first = await cli.run("run", "create", "d", "--idempotency-key", "nightly-2026-01-01")
        let second = await cli.run("run", "create", "d", "--idempotency-key", "nightly-2026-01-01", "--json")
        #expect(second.json?["id"] == .string(first.out.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(second.json?["created"] == .bool(false))
        #expect(try #require(await cli.run("run", "ls", "--json").json?["runs"]?.arrayValue).count == 1)
    }

    @Test func badInput() async throws {
        let cli = await setUp()
        #expect(await cli.run("run", "create", "nope").err == "pushgate run create: deployment 'nope' not found\n")
        #expect(await cli.run("run", "create", "d", "--at", "yesterday").status == .usage)
        #expect(await cli.run("run", "create", "d", "--in", "5 parsecs").status == .usage)
        #expect(await cli.run("run", "create", "d", "--at", "2030-01-01T00:00:00Z", "--in", "5m").status == .usage)
        #expect(await cli.run("run", "create", "d", "--vars", #"{"memory": true}"#).status == .failure)
        #expect(await cli.run("run", "create", "d", "--vars", "@/nonexistent.json").status == .usage)
        #expect(await cli.run("run", "ls", "--state", "exploded").status == .usage)
        #expect(await cli.run("run", "inspect", "no-such-run").status == .failure)
        #expect(await cli.run("run", "cancel", "no-such-run").status == .failure)
        #expect(try #require(await cli.run("run", "ls", "--json").json?["runs"]?.arrayValue).isEmpty)
    }

    @Test func corruptAndLockedDatabases() async throws {
        let cli = PoolCLIHarness()
        let garbage = Data(String(repeating: "garbage ", count: 512).utf8)
        try garbage.write(to: URL(fileURLWithPath: cli.database))
        let corrupt = await cli.run("run", "ls")
        #expect(corrupt.status == .usage)
        #expect(corrupt.err.contains("is not a valid pushgate database"))
        #expect(corrupt.err.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.database)) == garbage)

        let locked = PoolCLIHarness()
        await locked.run("pool", "create", "p", "--type", "ecs:push")
        var handle: OpaquePointer?
        sqlite3_open(locked.database, &handle)
        defer { sqlite3_close(handle) }
        #expect(sqlite3_exec(handle, "BEGIN EXCLUSIVE", nil, nil, nil) == SQLITE_OK)
        let blocked = await locked.run("pool", "create", "q", "--type", "ecs:push", environment: ["PUSHGATE_DB_BUSY_TIMEOUT": "0.2"])
        #expect(blocked.status == .usage)
        #expect(blocked.err.contains("is locked by another process"))
        #expect(blocked.err.split(separator: "\n").count == 1)
        sqlite3_exec(handle, "COMMIT", nil, nil, nil)
        #expect(try #require(await locked.run("pool", "ls", "--json").json?.arrayValue).count == 1)
    }

    @Test func helpIsAvailableAndStressIsHidden() async throws {
        let cli = PoolCLIHarness()
        let help = await cli.run("run", "--help")
        #expect(help.status == .success)
        #expect(help.out.contains("run create DEPLOYMENT"))
        #expect(!help.out.contains("stress"))
        let top = await cli.run("--help")
        for command in ["pool", "queue", "deployment", "run"] { #expect(top.out.contains("  \(command) ")) }
    }
}
