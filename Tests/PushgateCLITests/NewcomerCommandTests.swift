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

    @Test func anAzurePoolTakesItsSubscriptionAndResourceGroupFromTheProfile() async throws {
        let cli = PoolCLIHarness()
        let credentials = try cli.file(
            "credentials",
            "[azure prod]\ntenant_id = t\nclient_id = c\nclient_secret = planted-secret\nsubscription_id = sub-0001\nresource_group = rg-jobs\n\n"
                + "[azure other]\ntenant_id = t\nclient_id = c\nclient_secret = planted-secret\nsubscription_id = sub-0002\n"
        )
        let env = ["PUSHGATE_CREDENTIALS": credentials]
        let type = "azure-container-instance:push"
        // Without the profile's values, Prefect's template requires both variables of every run.
        await cli.run("pool", "create", "bare", "--type", type)
        await cli.run("deployment", "create", "bare-d", "--pool", "bare", "--vars", #"{"image": "x/y:1"}"#)
        let refused = await cli.run("run", "create", "bare-d")
        #expect(refused.status != .success && (refused.out + refused.err).contains("subscription_id"), "\(refused.out)\(refused.err)")

        let created = await cli.run("pool", "create", "p", "--type", type, "--credentials", "prod", environment: env)
        #expect(created.status == .success, "\(created.err)")
        #expect(created.out.contains("template defaults from profile 'prod': resource_group_name, subscription_id"), "\(created.out)")
        await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"image": "x/y:1"}"#)
        let run = await cli.run("run", "create", "d")
        #expect(run.status == .success, "\(run.out)\(run.err)")
        let overridden = await cli.run("run", "create", "d", "--vars", #"{"subscription_id": "sub-run"}"#)
        #expect(overridden.status == .success, "job variables still override the profile's defaults: \(overridden.err)")

        // A template default already set is kept; an unset one is filled on a profile change.
        let updated = await cli.run("pool", "update", "bare", "--credentials", "other", environment: env)
        #expect(updated.out.contains("template defaults from the profile: subscription_id"), "\(updated.out)")
        let template = try #require(await cli.run("pool", "inspect", "bare", "--json").json?["base_job_template"])
        #expect(template["variables"]?["properties"]?["subscription_id"]?["default"] == "sub-0002")
        #expect(template["variables"]?["properties"]?["resource_group_name"]?["default"] == nil, "the other profile names no group")
        #expect(!(created.out + created.err + updated.out + updated.err).contains("planted-secret"))
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
        let list = await cli.run("run", "ls", "--limit", "3", "--json")
        let page = try #require(list.json)
        let first = try #require(page["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
        let next = try #require(page["next"]?.stringValue)
        #expect(first.count == 3 && page["total"] == .int(5))
        #expect(list.err == "pushgate run ls: showing 3 of 5 runs; --limit N or --after \(next) for more\n", "\(list.err)")
        // The cursor's page holds the other two, once each, and says there is no more.
        let rest = try #require(await cli.run("run", "ls", "--limit", "3", "--after", next, "--json").json)
        let second = try #require(rest["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
        #expect(second.count == 2 && Set(first).isDisjoint(with: second) && rest["next"] == .null && rest["total"] == .int(5))
        #expect(await cli.run("run", "ls", "--limit", "5").err.isEmpty)
        let bad = await cli.run("run", "ls", "--after", "yesterday")
        #expect(bad.status == .usage && bad.err.hasPrefix("pushgate run ls: --after: expected a cursor"), "\(bad.err)")
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
