import Foundation
import PushgateCLI
import PushgateCore
import PushgateStore
import PushgateTestSupport
import Testing

/// The mistakes a newcomer makes, refused where they are made (issue 15's command-line items).
@Suite struct NewcomerCommandTests {
    @Test func aPoolsProfileIsCheckedAgainstTheCredentialsFile() async throws {
        let cli = PoolCLIHarness()
        let credentials = try cli.file(
            "credentials",
            "[aws main]\nregion = us-east-1\naccess_key_id = AKIDEXAMPLE\nsecret_access_key = planted-secret\n\n[azure prod]\ntenant_id = t\nclient_id = c\nclient_secret = planted-secret-2\nsubscription_id = s\n"
        )
        let env = ["PUSHGATE_CREDENTIALS": credentials]
        let missing = await cli.run("pool", "create", "p", "--type", "ecs:push", "--credentials", "prod", environment: env)
        #expect(missing.status == .failure)
        #expect(missing.err.contains("no [aws prod] profile in \(credentials); there is an [azure prod] profile"), "\(missing.err)")
        let none = await cli.run("pool", "create", "p", "--type", "ecs:push", "--credentials-file", credentials)
        #expect(none.status == .failure && none.err.contains("the pool has no credentials profile"), "\(none.err)")
        #expect(try #require(await cli.run("pool", "ls", "--json").json?.arrayValue).isEmpty, "nothing stored")
        #expect(!(missing.err + none.err).contains("planted-secret"))

        #expect(await cli.run("pool", "create", "p", "--type", "ecs:push", "--credentials", "main", environment: env).status == .success)
        // Changing the profile: checked the same way.
        let wrong = await cli.run("pool", "update", "p", "--credentials", "prod", "--credentials-file", credentials)
        #expect(wrong.status == .failure && wrong.err.contains("there is an [azure prod] profile"))
        #expect(await cli.run("pool", "update", "p", "--credentials", "other").status == .success, "no file given: not checked")
        #expect(try #require(await cli.run("pool", "inspect", "p", "--json").json)["credentials_profile"] == .string("other"))
        #expect(await cli.run("pool", "update", "p", "--credentials", "none").status == .success)
        #expect(try #require(await cli.run("pool", "inspect", "p", "--json").json)["credentials_profile"] == .null)
        #expect(await cli.run("pool", "update", "p", "--credentials-file", credentials).status == .usage)
    }

    @Test func setAndUnsetChangeOneVariable() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"image": "repo/x:1", "cpu": 256, "memory": 512}"#)
        let set = await cli.run("deployment", "update", "d", "--set", "cpu=1024", "--set", #"image="repo/x:2""#, "--unset", "memory")
        #expect(set.status == .success, "\(set.err)")
        let variables = try #require(await cli.run("deployment", "inspect", "d", "--json").json)["job_variables"]
        #expect(variables == .object(["image": .string("repo/x:2"), "cpu": .int(1024)]))
        // Checked like --vars: a typo is refused and nothing changes.
        let typo = await cli.run("deployment", "update", "d", "--set", "cpuu=1")
        #expect(typo.status == .failure && typo.err.contains("--set/--unset: $.cpuu") && typo.err.contains("did you mean 'cpu'?"), "\(typo.err)")
        #expect(await cli.run("deployment", "update", "d", "--set", "cpu=lots").status == .usage)
        #expect(await cli.run("deployment", "update", "d", "--unset", "nope").status == .failure)
        #expect(await cli.run("deployment", "update", "d", "--vars", "{}", "--set", "cpu=1").status == .usage)
        #expect(try #require(await cli.run("deployment", "inspect", "d", "--json").json)["job_variables"] == variables)
        #expect(await cli.run("deployment", "--help").out.contains("--vars replaces"))
    }

    @Test func namesUseADocumentedCharacterSet() async throws {
        let cli = PoolCLIHarness()
        for bad in ["etl/prod", "has space", ".dot-first", "caf\u{e9}", String(repeating: "a", count: 101), "a?b"] {
            let result = await cli.run("pool", "create", bad, "--type", "ecs:push")
            #expect(result.status == .failure, "\(bad)")
            #expect(result.err.contains("use 1-100 letters, digits, '.', '_' or '-'"), "\(result.err)")
        }
        #expect(await cli.run("pool", "create", "etl_prod.v2-a", "--type", "ecs:push").status == .success)
        #expect(await cli.run("queue", "create", "etl_prod.v2-a", "bad queue").status == .failure)
        #expect(await cli.run("deployment", "create", "bad#dep", "--pool", "etl_prod.v2-a").status == .failure)
    }

    @Test func aMissingRequiredVariableBlamesTheInputThatWasGiven() async throws {
        let cli = PoolCLIHarness()
        let template = Fixtures.repositoryRoot().appendingPathComponent("templates/azure-container-instance-push.json").path
        let result = await cli.run("render", "--template", template, "--deployment-vars", #"{"image": "x/y:1"}"#)
        #expect(result.status == .failure)
        #expect(result.out.contains("job variables (no --run-vars given): $.subscription_id: required variable"), "\(result.out)")
        #expect(!result.out.contains("--run-vars:"), "no --run-vars was given, so it is not blamed")
    }

    @Test func listingsThatStopEarlySaySo() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"image": "x"}"#)
        for _ in 0..<5 { await cli.run("run", "create", "d") }
        let list = await cli.run("run", "ls", "--limit", "3")
        #expect(list.err == "pushgate run ls: showing 3 of 5 runs; --limit N for more\n", "\(list.err)")
        #expect(await cli.run("run", "ls", "--limit", "5").err.isEmpty)
        let preview = await cli.run("pool", "preview", "p", "--upcoming", "2")
        #expect(preview.err.contains("showing 2 of 5 waiting runs"), "\(preview.err)")
        #expect(await cli.run("pool", "preview", "p").err.isEmpty)
    }
}

@Suite struct RunWatchTests {
    @Test func watchFollowsARunToItsEnd() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"image": "x"}"#)
        let id = await cli.run("run", "create", "d").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let store = try await SQLiteStore.open(path: cli.database)
        _ = try await store.claim(pool: "p", owner: "gw", limit: 1, leaseDuration: 60, now: Date())
        _ = try await store.markSubmitted(runID: id, owner: "gw", providerHandle: "arn:1", now: Date())
        async let watched = cli.run("run", "watch", id, "--interval", "1s", "--timeout", "30s")
        try await Task.sleep(nanoseconds: 300_000_000)
        _ = try await store.markRunning(runID: id, reason: "infrastructure started", now: Date())
        _ = try await store.markTerminal(runID: id, state: .completed, reason: "exit 0", now: Date())
        await store.close()
        let result = await watched
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("Pending: submitted as arn:1") && result.out.contains("Running → Completed: exit 0"), "\(result.out)")

        let other = await cli.run("run", "create", "d", "--in", "1h").out.trimmingCharacters(in: .whitespacesAndNewlines)
        await cli.run("run", "cancel", other)
        #expect(await cli.run("run", "watch", other).status == .failure)
        #expect(await cli.run("run", "watch", "nope").status == .failure)
    }
}
