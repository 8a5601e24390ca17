import Foundation
import PushgateCLI
import PushgateCore
import Testing

@Suite struct DeploymentCommandTests {
    @Test func createListInspect() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("queue", "create", "p", "fast")
        let vars = try cli.file("vars.json", #"{"cpu": 512, "env": {"A": "1"}}"#)
        #expect(await cli.run("deployment", "create", "etl", "--pool", "p", "--vars", "@\(vars)", "--concurrency", "2").status == .success)
        #expect(await cli.run("deployment", "create", "fast-etl", "--pool", "p", "--queue", "fast").status == .success)
        let list = try #require(await cli.run("deployment", "ls", "--json").json?.arrayValue)
        #expect(list.map { $0["name"] } == [.string("etl"), .string("fast-etl")])
        #expect(list.map { $0["queue"] } == [.string("default"), .string("fast")])
        let etl = try #require(await cli.run("deployment", "inspect", "etl", "--json").json)
        #expect(etl["job_variables"]?["cpu"] == .int(512))
        #expect(etl["concurrency_limit"] == .int(2))
        #expect(await cli.run("deployment", "ls", "--pool", "p").out.contains("fast-etl"))
    }

    @Test func badInput() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p")
        #expect(await cli.run("deployment", "create", "d", "--pool", "p").err == "pushgate deployment create: deployment 'd' already exists\n")
        #expect(await cli.run("deployment", "create", "e", "--pool", "nope").status == .failure)
        #expect(await cli.run("deployment", "create", "e", "--pool", "p", "--queue", "nope").err.contains("queue 'nope' not found"))
        #expect(await cli.run("deployment", "create", "e", "--pool", "p", "--concurrency", "-1").status == .failure)
        let badJSON = await cli.run("deployment", "create", "e", "--pool", "p", "--vars", #"{"cpu": "#)
        #expect(badJSON.status == .failure)
        #expect(badJSON.err.hasPrefix("pushgate deployment create: --vars:1:"))
        let wrongType = await cli.run("deployment", "create", "e", "--pool", "p", "--vars", #"{"cpu": "lots"}"#)
        #expect(wrongType.status == .failure)
        #expect(wrongType.err.contains("invalid job variables"))
        #expect(await cli.run("deployment", "create", "e", "--pool", "p", "--vars", "[1]").status == .failure)
        #expect(await cli.run("deployment", "create", "e").status == .usage)
        #expect(try #require(await cli.run("deployment", "ls", "--json").json?.arrayValue).count == 1)
    }
}
