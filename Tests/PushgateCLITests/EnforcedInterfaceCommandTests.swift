import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport
import Testing

/// docs/design.md "Enforced interfaces" as a platform engineer uses it from the command line.
@Suite struct EnforcedInterfaceCommandTests {
    /// The ECS push template with `cpu` narrowed to an enum (the README's worked example).
    func narrowedTemplate(_ cli: PoolCLIHarness) throws -> String {
        let url = Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json")
        var template = try JSONValue.parse(Data(contentsOf: url)).objectValue!
        var variables = template["variables"]!.objectValue!
        var properties = variables["properties"]!.objectValue!
        var cpu = properties["cpu"]!.objectValue!
        cpu["enum"] = .array([.int(256), .int(1024)])
        properties["cpu"] = .object(cpu)
        variables["properties"] = .object(properties)
        template["variables"] = .object(variables)
        return try cli.file("narrow.json", JSONValue.object(template).serialized())
    }

    @Test func undeclaredVariablesAreRefusedAtEveryEntryPoint() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        let refused = await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"image": "x", "imagee": "y", "bogus_var": 1}"#)
        #expect(refused.status == .failure)
        #expect(refused.err.contains("$.imagee: 'imagee' is not declared") && refused.err.contains("did you mean 'image'?"), "\(refused.err)")
        #expect(refused.err.contains("$.bogus_var"))
        #expect(refused.err.split(separator: "\n").count == 1)
        #expect(try #require(await cli.run("deployment", "ls", "--json").json?.arrayValue).isEmpty, "nothing stored")

        #expect(await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"image": "x"}"#).status == .success)
        let update = await cli.run("deployment", "update", "d", "--vars", #"{"image": "x", "cpuu": 256}"#)
        #expect(update.status == .failure && update.err.contains("did you mean 'cpu'?"), "\(update.err)")
        #expect(try #require(await cli.run("deployment", "inspect", "d", "--json").json)["job_variables"] == .object(["image": .string("x")]))
        // Dotted keys are checked by their first part.
        let run = await cli.run("run", "create", "d", "--vars", #"{"env.FOO": "1", "lables.team": "x"}"#)
        #expect(run.status == .failure && run.err.contains("$.lables") && run.err.contains("did you mean 'labels'?"), "\(run.err)")
        #expect(try #require(await cli.run("run", "ls", "--json").json?["runs"]?.arrayValue).isEmpty)
        #expect(await cli.run("run", "create", "d", "--vars", #"{"env.FOO": "1"}"#).status == .success)

        let template = Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json").path
        let render = await cli.run("render", "--template", template, "--deployment-vars", #"{"image": "x", "bogus_var": 1}"#)
        #expect(render.status == .failure)
        #expect(render.out.contains("--deployment-vars: $.bogus_var: 'bogus_var' is not declared"), "\(render.out)")
        #expect(render.out.contains("--allow-undeclared-variables drops them, as Prefect does"))
        let dropped = await cli.run(
            "render",
            "--template",
            template,
            "--deployment-vars",
            #"{"image": "x", "bogus_var": 1}"#,
            "--allow-undeclared-variables"
        )
        #expect(dropped.status == .success && !dropped.out.contains("bogus_var"))
    }

    @Test func aPoolCanDropUndeclaredVariablesAsPrefectDoes() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "lenient", "--type", "ecs:push", "--allow-undeclared-variables")
        #expect(await cli.run("pool", "inspect", "lenient").out.contains("undeclared dropped (as Prefect does)"))
        #expect(try #require(await cli.run("pool", "inspect", "lenient", "--json").json)["allow_undeclared_variables"] == .bool(true))
        #expect(await cli.run("deployment", "create", "d", "--pool", "lenient", "--vars", #"{"image": "x", "bogus_var": 1}"#).status == .success)
        #expect(await cli.run("run", "create", "d", "--vars", #"{"other": true}"#).status == .success)
        // Switching the rule back refuses them again.
        #expect(await cli.run("pool", "update", "lenient", "--refuse-undeclared-variables").status == .success)
        #expect(await cli.run("run", "create", "d", "--vars", #"{"other": true}"#).status == .failure)
        #expect(await cli.run("pool", "update", "lenient").status == .usage)
        #expect(await cli.run("pool", "update", "lenient", "--allow-undeclared-variables", "--refuse-undeclared-variables").status == .usage)
    }

    @Test func nestedObjectsAreCheckedAsDeepAsTheSchemaDeclares() async throws {
        let cli = PoolCLIHarness()
        let strict = try cli.file(
            "strict.json",
            #"""
            {"job_configuration": {"image": "{{ image }}", "network": "{{ network }}", "extra": "{{ extra }}",
                                   "task_definition": {}, "task_run_request": {}},
             "variables": {"type": "object", "properties": {
               "image": {"type": "string"},
               "network": {"type": "object", "properties": {"subnet": {"type": "string"}}, "additionalProperties": false},
               "extra": {"type": "object", "properties": {"a": {"type": "string"}}}}}}
            """#
        )
        await cli.run("pool", "create", "p", "--type", "ecs:push", "--template", strict)
        let nested = await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"network": {"subnett": "s-1"}}"#)
        #expect(nested.status == .failure)
        #expect(nested.err.contains("$.network.subnett: 'subnett' is not declared here (did you mean 'subnet'?)"), "\(nested.err)")
        // Absent additionalProperties means allowed, as JSON Schema says.
        #expect(await cli.run("deployment", "create", "d", "--pool", "p", "--vars", #"{"extra": {"b": 1}}"#).status == .success)
    }

    @Test func aTemplateUpdateThatBreaksADeploymentIsRefusedOrForced() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "small", "--pool", "p", "--vars", #"{"image": "x", "cpu": 256}"#)
        await cli.run("deployment", "create", "odd", "--pool", "p", "--vars", #"{"image": "x", "cpu": 512}"#)
        let scheduled = await cli.run("run", "create", "small", "--vars", #"{"cpu": 2048}"#, "--in", "1h").out.trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        let narrow = try narrowedTemplate(cli)

        let preview = await cli.run("validate", "--against", "p", narrow)
        #expect(preview.status == .failure)
        #expect(preview.out.contains("deployment 'odd' job_variables: $.cpu: 512 is not one of [256,1024]"), "\(preview.out)")
        #expect(preview.out.contains("run \(scheduled): run \(scheduled) job_variables: $.cpu: 2048 is not one of [256,1024]"))
        #expect(!preview.out.contains("deployment 'small' job_variables"))
        let previewJSON = try #require(await cli.run("validate", "--against", "p", narrow, "--json").json?.arrayValue)
        #expect(previewJSON.count == 2)

        let refused = await cli.run("pool", "update", "p", "--template", narrow)
        #expect(refused.status == .failure && refused.err.contains("nothing changed"))
        #expect(refused.out.contains("deployment 'odd'"))
        #expect(try #require(await cli.run("pool", "inspect", "p", "--json").json)["template_version"] == .int(1))

        let forced = await cli.run("pool", "update", "p", "--template", narrow, "--force")
        #expect(forced.status == .success && forced.out.contains("marked invalid: odd"), "\(forced.out) \(forced.err)")
        #expect(try #require(await cli.run("pool", "inspect", "p", "--json").json)["template_version"] == .int(2))
        let list = await cli.run("deployment", "ls")
        #expect(list.out.contains("odd") && list.out.contains("INVALID"))
        let refusedRun = await cli.run("run", "create", "odd")
        #expect(refusedRun.status == .failure)
        #expect(await cli.run("run", "create", "small").status == .success)
        // Fixed, then valid again; the fitting template passes validate --against.
        #expect(await cli.run("deployment", "update", "odd", "--vars", #"{"image": "x", "cpu": 1024}"#).status == .success)
        #expect(try #require(await cli.run("deployment", "inspect", "odd", "--json").json)["invalid_reason"] == .null)
        #expect(await cli.run("run", "create", "odd").status == .success)
        await cli.run("run", "cancel", scheduled)
        let clean = await cli.run("validate", "--against", "p", narrow)
        #expect(clean.status == .success && clean.out.contains("fits every deployment"), "\(clean.out)")
        #expect(await cli.run("pool", "update", "p", "--force").status == .usage)
    }

    @Test func aDeploymentSwitchesPools() async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "laptop", "--type", "ecs:push")
        await cli.run("pool", "create", "prod", "--type", "cloud-run-v2:push")
        await cli.run("deployment", "create", "etl", "--pool", "laptop", "--vars", #"{"image": "x", "cpu": 256}"#)
        let waiting = await cli.run("run", "create", "etl", "--in", "1h").out.trimmingCharacters(in: .whitespacesAndNewlines)
        // ECS's `cpu` is an integer; Cloud Run's is a string such as "1000m": refused with the place named.
        let refused = await cli.run("deployment", "update", "etl", "--pool", "prod")
        #expect(refused.status == .failure && refused.err.contains("$.cpu"), "\(refused.err)")
        #expect(try #require(await cli.run("deployment", "inspect", "etl", "--json").json)["pool"] == .string("laptop"))
        let moved = await cli.run("deployment", "update", "etl", "--pool", "prod", "--vars", #"{"image": "x", "cpu": "1000m"}"#, "--move-scheduled")
        #expect(moved.status == .success, "\(moved.err)")
        #expect(try #require(await cli.run("run", "inspect", waiting, "--json").json)["pool"] == .string("prod"))
        #expect(await cli.run("deployment", "update", "etl", "--move-scheduled").status == .usage)
    }
}
