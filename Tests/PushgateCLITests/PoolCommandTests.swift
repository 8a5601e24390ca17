import Foundation
import PushgateCLI
import PushgateCore
import Testing

@Suite struct PoolCommandTests {
    @Test func createWithDefaultTemplateListInspect() async throws {
        let cli = PoolCLIHarness()
        let created = await cli.run("pool", "create", "aws", "--type", "ecs:push", "--concurrency", "5", "--credentials", "prod")
        #expect(created.status == .success, "\(created.err)")
        #expect(created.out.contains("created pool 'aws'"))
        let list = await cli.run("pool", "ls", "--json")
        let pools = try #require(list.json?.arrayValue)
        #expect(pools.count == 1)
        #expect(pools[0]["name"] == .string("aws"))
        #expect(pools[0]["type"] == .string("ecs:push"))
        #expect(pools[0]["concurrency_limit"] == .int(5))
        #expect(pools[0]["credentials_profile"] == .string("prod"))
        #expect(pools[0]["status"] == .string("NOT_READY"))
        let text = await cli.run("pool", "ls")
        #expect(text.out.contains("aws") && text.out.contains("NAME"))
        let inspect = await cli.run("pool", "inspect", "aws", "--json")
        let object = try #require(inspect.json)
        #expect(object["base_job_template"]?["job_configuration"]?["task_definition"] != nil)
        #expect(object["queues"]?.arrayValue?.first?["name"] == .string("default"))
        #expect(await cli.run("pool", "inspect", "aws").out.contains("base job template:"))
    }

    @Test func templateFromFileIsValidated() async throws {
        let cli = PoolCLIHarness()
        let bad = try cli.file("bad.json", #"{"job_configuration": {"image": "{{ image }}"}, "variables": {"properties": {}}}"#)
        let result = await cli.run("pool", "create", "m", "--type", "modal:push", "--template", bad)
        #expect(result.status == .failure)
        #expect(result.err.hasPrefix("pushgate pool create: invalid template: \(bad)"))
        #expect(result.err.split(separator: "\n").count == 1)
        let malformed = try cli.file("malformed.json", "{\"job_configuration\": ")
        #expect(await cli.run("pool", "create", "m", "--type", "modal:push", "--template", malformed).status == .failure)
        #expect(await cli.run("pool", "create", "m", "--type", "modal:push", "--template", "/nonexistent.json").status == .usage)
        #expect(await cli.run("pool", "create", "m", "--type", "lambda").status == .failure)
        #expect(await cli.run("pool", "create", "m").status == .usage)
        #expect(try #require(await cli.run("pool", "ls", "--json").json?.arrayValue).isEmpty)
        let good = try cli.file(
            "good.json",
            #"{"job_configuration": {"image": "{{ image }}", "command": "{{ command }}"}, "variables": {"type": "object", "properties": {"image": {"type": "string"}, "command": {"type": "string"}}}}"#
        )
        #expect(await cli.run("pool", "create", "m", "--type", "modal:push", "--template", good).status == .success)
    }

    @Test func pauseResumeConcurrencyDelete() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "cloud-run-v2:push")
        #expect(await cli.run("pool", "pause", "p").status == .success)
        #expect(await cli.run("pool", "inspect", "p", "--json").json?["status"] == .string("PAUSED"))
        #expect(await cli.run("pool", "resume", "p").status == .success)
        #expect(await cli.run("pool", "set-concurrency", "p", "3").status == .success)
        #expect(await cli.run("pool", "inspect", "p", "--json").json?["concurrency_limit"] == .int(3))
        #expect(await cli.run("pool", "set-concurrency", "p", "none").status == .success)
        #expect(await cli.run("pool", "inspect", "p", "--json").json?["concurrency_limit"] == .null)
        let negative = await cli.run("pool", "set-concurrency", "p", "--", "-1")
        #expect(negative.status == .failure)
        #expect(negative.err.contains("0 or more"))
        #expect(await cli.run("pool", "set-concurrency", "p", "lots").status == .usage)
        #expect(await cli.run("pool", "delete", "p").status == .success)
        let missing = await cli.run("pool", "delete", "p")
        #expect(missing.status == .failure)
        #expect(missing.err == "pushgate pool delete: pool 'p' not found\n")
    }

    @Test func duplicatesAndUnknownsAreOneLineErrors() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        let duplicate = await cli.run("pool", "create", "p", "--type", "ecs:push")
        #expect(duplicate.status == .failure)
        #expect(duplicate.err == "pushgate pool create: pool 'p' already exists\n")
        #expect(await cli.run("pool", "create", "q", "--type", "ecs:push", "--concurrency", "-2").status == .failure)
        #expect(await cli.run("pool", "inspect", "nope").status == .failure)
        #expect(await cli.run("pool", "frobnicate").status == .usage)
        #expect(await cli.run("pool", "ls", "--bogus").status == .usage)
        #expect(try #require(await cli.run("pool", "ls", "--json").json?.arrayValue).count == 1)
    }

    @Test func previewShowsOrderAndHeldReasons() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push", "--concurrency", "3")
        await cli.run("queue", "create", "p", "low", "--priority", "10")
        await cli.run("queue", "create", "p", "high", "--priority", "5", "--concurrency", "3")
        await cli.run("queue", "create", "p", "critical", "--priority", "1", "--concurrency", "1")
        for queue in ["low", "high", "critical"] { await cli.run("deployment", "create", "d-\(queue)", "--pool", "p", "--queue", queue) }
        for queue in ["low", "high", "critical"] {
            for i in 0..<3 { await cli.run("run", "create", "d-\(queue)", "--at", "2020-01-01T00:0\(i):00Z") }
        }
        await cli.run("run", "create", "d-low", "--in", "1h")
        let result = await cli.run("pool", "preview", "p", "--json")
        #expect(result.status == .success, "\(result.err)")
        let entries = try #require(result.json?["runs"]?.arrayValue)
        #expect(entries.count == 10)
        #expect(result.json?["total"] == .int(10), "every scheduled run waits, the one in an hour too")
        let summary = entries.map { "\($0["queue"]?.stringValue ?? "")/\($0["status"]?.stringValue ?? "")/\($0["reason"]?.stringValue ?? "-")" }
        #expect(
            summary == [
                "critical/next/-", "high/next/-", "high/next/-",
                "critical/held/queue_full", "critical/held/queue_full", "high/held/pool_full",
                "low/held/pool_full", "low/held/pool_full", "low/held/pool_full", "low/held/not_due",
            ]
        )
        for entry in entries {
            for key in ["id", "deployment", "queue", "scheduled_time", "status", "reason"] { #expect(entry[key] != nil, "\(key)") }
        }
        let text = await cli.run("pool", "preview", "p")
        #expect(text.out.contains("queue full") && text.out.contains("pool full") && text.out.contains("not due yet"))
    }
}
