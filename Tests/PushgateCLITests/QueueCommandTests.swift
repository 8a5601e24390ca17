import Foundation
import PushgateCLI
import PushgateCore
import Testing

@Suite struct QueueCommandTests {
    func priorities(_ cli: PoolCLIHarness) async throws -> [String] {
        try #require(await cli.run("queue", "ls", "p", "--json").json?.arrayValue).map {
            "\($0["name"]?.stringValue ?? ""):\($0["priority"]?.intValue ?? 0)"
        }
    }

    @Test func createShiftsPrioritiesAndListsStatus() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        #expect(await cli.run("queue", "create", "p", "a", "--priority", "2").status == .success)
        #expect(await cli.run("queue", "create", "p", "b", "--priority", "2", "--concurrency", "4").status == .success)
        #expect(try await priorities(cli) == ["default:1", "b:2", "a:3"])
        #expect(await cli.run("queue", "update", "p", "a", "--priority", "1").status == .success)
        #expect(try await priorities(cli) == ["a:1", "default:2", "b:3"])
        let list = try #require(await cli.run("queue", "ls", "p", "--json").json?.arrayValue)
        #expect(list.allSatisfy { $0["status"] == .string("NOT_READY") })
        #expect(await cli.run("queue", "pause", "p", "b").status == .success)
        #expect(await cli.run("queue", "inspect", "p", "b", "--json").json?["status"] == .string("PAUSED"))
        #expect(await cli.run("queue", "resume", "p", "b").status == .success)
        #expect(await cli.run("queue", "update", "p", "b", "--concurrency", "none").status == .success)
        #expect(await cli.run("queue", "inspect", "p", "b", "--json").json?["concurrency_limit"] == .null)
        let text = await cli.run("queue", "ls", "p")
        #expect(text.out.contains("PRIORITY") && text.out.contains("NOT_READY"))
    }

    @Test func badInput() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("queue", "create", "p", "a")
        let zero = await cli.run("queue", "create", "p", "z", "--priority", "0")
        #expect(zero.status == .failure)
        #expect(zero.err.contains("1 or more"))
        #expect(await cli.run("queue", "create", "p", "z", "--concurrency", "-1").status == .failure)
        #expect(await cli.run("queue", "create", "p", "a").err == "pushgate queue create: queue 'a' already exists in pool 'p'\n")
        #expect(await cli.run("queue", "create", "nope", "a").err == "pushgate queue create: pool 'nope' not found\n")
        let deleteDefault = await cli.run("queue", "delete", "p", "default")
        #expect(deleteDefault.status == .failure)
        #expect(deleteDefault.err.contains("default queue"))
        #expect(await cli.run("queue", "update", "p", "a").status == .usage)
        #expect(await cli.run("queue", "ls").status == .usage)
        #expect(try await priorities(cli) == ["default:1", "a:2"])
        #expect(await cli.run("queue", "delete", "p", "a").status == .success)
        #expect(try await priorities(cli) == ["default:1"])
    }
}
