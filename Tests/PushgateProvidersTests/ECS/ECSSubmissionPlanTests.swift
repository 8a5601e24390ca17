import Foundation
import PushgateCore
import PushgateProviders
import Testing

/// The pure request building: what Prefect's ECS worker does after templating (docs/prefect-semantics.md §3.4)
/// plus pushgate's idempotency members, checked on the shipped template.
@Suite("ECS submission plan")
struct ECSSubmissionPlanTests {
    @Test("the shipped template builds a Fargate definition with container memory and a RunTask carrying the run's identity")
    func shippedTemplate() throws {
        let job = try ECSFixtures.job(["command": "python -m flows.etl --date '2026 01 01'", "labels": ["team": "data"]])
        let plan = try #require(ECSFixtures.plan(job))
        let definition = try #require(plan.registration)
        #expect(plan.family == "pushgate_ecs-pool_etl")
        #expect(plan.containerName == "prefect")
        #expect(definition["requiresCompatibilities"] == ["FARGATE"])
        #expect(definition["networkMode"] == "awsvpc")
        #expect(definition["cpu"] == "1024" && definition["memory"] == "2048")
        let container = try #require(definition["containerDefinitions"]?.arrayValue?.first)
        #expect(container["name"] == "prefect" && container["image"] == "python:3.12-slim")
        #expect(container["memoryReservation"] == 2048, "moto and EC2 need container-level memory")
        let tags = definition["tags"]?.arrayValue ?? []
        #expect(tags.contains(["key": "pushgate.io/definition-hash", "value": .string(plan.definitionHash!)]))

        let run = plan.runTaskBody(taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/x:1")
        #expect(run["taskDefinition"] == "arn:aws:ecs:us-east-1:1:task-definition/x:1")
        #expect(run["launchType"] == "FARGATE")
        #expect(run["capacityProviderStrategy"] == nil)
        #expect(run["clientToken"] == .string(job.idempotencyKey))
        #expect(run["count"] == 1)
        let startedBy = try #require(run["startedBy"]?.stringValue)
        #expect(startedBy.count <= 36 && startedBy == ECSSubmissionPlan.startedBy(idempotencyKey: job.idempotencyKey))
        #expect(run["networkConfiguration"] == ["awsvpcConfiguration": ECSFixtures.network])
        let override = try #require(run["overrides"]?["containerOverrides"]?.arrayValue?.first)
        #expect(override["name"] == "prefect")
        #expect(override["command"] == ["python", "-m", "flows.etl", "--date", "2026 01 01"])
        let environment = override["environment"]?.arrayValue ?? []
        #expect(environment.contains(["name": "PUSHGATE_RUN_ID", "value": .string(job.runID)]))
        #expect(environment.map { $0["name"]?.stringValue ?? "" } == environment.map { $0["name"]?.stringValue ?? "" }.sorted())
        let runTags = run["tags"]?.arrayValue ?? []
        #expect(runTags.contains(["key": "team", "value": "data"]))
        #expect(runTags.contains(["key": "prefect.io/flow-run-id", "value": .string(job.runID)]))
        #expect(runTags.contains(["key": "pushgate.io/idempotency-key", "value": .string(job.idempotencyKey)]))
    }

    @Test("a configuration without an image is rejected naming the field; task_definition_arn needs none")
    func missingImage() throws {
        let job = try ECSFixtures.job(["image": nil])
        let problems = ECSSubmissionPlan.build(job: job, region: "us-east-1").problems
        #expect(problems.count == 1)
        #expect(problems.first?.path?.description == "$.task_definition.containerDefinitions[0].image")
        #expect(problems.first?.description.contains("image") == true)

        let existing = try ECSFixtures.job(["image": nil, "task_definition_arn": "arn:aws:ecs:us-east-1:1:task-definition/mine:4"])
        let plan = try #require(ECSFixtures.plan(existing))
        #expect(plan.registration == nil && plan.existingTaskDefinition == "arn:aws:ecs:us-east-1:1:task-definition/mine:4")
        #expect(plan.runTaskBody(taskDefinition: plan.existingTaskDefinition!)["taskDefinition"] == "arn:aws:ecs:us-east-1:1:task-definition/mine:4")
    }

    @Test("FARGATE_SPOT becomes a capacity provider strategy; a given strategy is kept without a launch type")
    func capacityProviders() throws {
        let spot = try #require(ECSFixtures.plan(try ECSFixtures.job(["launch_type": "FARGATE_SPOT"])))
        #expect(spot.runTask["launchType"] == nil)
        #expect(spot.runTask["capacityProviderStrategy"] == [["capacityProvider": "FARGATE_SPOT", "weight": 1]])
        #expect(spot.registration?["requiresCompatibilities"] == ["FARGATE"])

        let strategy: JSONValue = [
            ["capacityProvider": "FARGATE", "weight": 1, "base": 1], ["capacityProvider": "FARGATE_SPOT", "weight": 4, "base": 0],
        ]
        let given = try #require(ECSFixtures.plan(try ECSFixtures.job(["capacity_provider_strategy": strategy])))
        #expect(given.runTask["launchType"] == nil)
        #expect(given.runTask["capacityProviderStrategy"] == strategy)
    }

    @Test("EC2 puts cpu and memory on the container as integers and needs no network configuration")
    func ec2() throws {
        let job = try ECSFixtures.job(["launch_type": "EC2", "cpu": 512, "memory": 1024, "network_configuration": [:]])
        let plan = try #require(ECSFixtures.plan(job))
        let container = try #require(plan.registration?["containerDefinitions"]?.arrayValue?.first)
        #expect(container["cpu"] == 512 && container["memory"] == 1024)
        #expect(plan.runTask["launchType"] == "EC2")
        #expect(plan.runTask["networkConfiguration"] == nil)
        #expect(plan.runTask["overrides"]?["cpu"] == "512", "task-level overrides are strings")
    }

    @Test("awsvpc without network_configuration: the plan asks for the default VPC (or vpc_id) instead of refusing")
    func networkDiscovered() throws {
        let plan = try #require(ECSFixtures.plan(try ECSFixtures.job(["network_configuration": [:]])))
        #expect(plan.networkDiscovery == ECSNetworkDiscovery(vpcID: nil))
        #expect(plan.runTask["networkConfiguration"] == nil)
        let named = try #require(ECSFixtures.plan(try ECSFixtures.job(["network_configuration": [:], "vpc_id": "vpc-0abc"])))
        #expect(named.networkDiscovery?.vpcID == "vpc-0abc")
        #expect(try #require(ECSFixtures.plan(try ECSFixtures.job())).networkDiscovery == nil, "a given network is used as is")
        let body = plan.runTaskBody(taskDefinition: "td:1", network: ["awsvpcConfiguration": ["subnets": ["subnet-9"]]])
        #expect(body["networkConfiguration"]?["awsvpcConfiguration"]?["subnets"] == ["subnet-9"])
    }

    @Test("cloudwatch logs add an awslogs configuration and need an execution role")
    func cloudwatch() throws {
        let withoutRole = try ECSFixtures.job(["configure_cloudwatch_logs": true])
        #expect(ECSSubmissionPlan.build(job: withoutRole, region: "us-east-1").problems.map { $0.path?.description } == ["$.execution_role_arn"])
        let job = try ECSFixtures.job([
            "configure_cloudwatch_logs": true, "execution_role_arn": "arn:aws:iam::1:role/exec",
            "cloudwatch_logs_options": ["awslogs-group": "/pushgate"],
        ])
        let plan = try #require(ECSFixtures.plan(job))
        let logs = try #require(plan.registration?["containerDefinitions"]?.arrayValue?.first?["logConfiguration"])
        #expect(logs["logDriver"] == "awslogs")
        #expect(logs["options"]?["awslogs-group"] == "/pushgate")
        #expect(logs["options"]?["awslogs-region"] == "us-east-1")
        #expect(logs["options"]?["awslogs-stream-prefix"] == "prefect-logs_ecs-pool_etl")
        #expect(plan.registration?["executionRoleArn"] == "arn:aws:iam::1:role/exec")
    }

    @Test("the definition hash is the same for every run of one configuration and changes with its content")
    func definitionHash() throws {
        let first = try #require(ECSFixtures.plan(try ECSFixtures.job(runID: "11111111-1111-1111-1111-111111111111")))
        let second = try #require(ECSFixtures.plan(try ECSFixtures.job(runID: "22222222-2222-2222-2222-222222222222", attempt: 3)))
        let other = try #require(ECSFixtures.plan(try ECSFixtures.job(["image": "python:3.13-slim"])))
        #expect(first.definitionHash == second.definitionHash)
        #expect(first.registration == second.registration)
        #expect(first.definitionHash != other.definitionHash)
        #expect(first.runTask["clientToken"] != second.runTask["clientToken"])
    }

    @Test("auto-deregister registers per run, tagged with the run's key")
    func autoDeregister() throws {
        let job = try ECSFixtures.job(["auto_deregister_task_definition": true])
        let plan = try #require(ECSFixtures.plan(job))
        #expect(plan.autoDeregister)
        #expect(
            plan.registration?["tags"]?.arrayValue?.contains(["key": "pushgate.io/registered-for", "value": .string(job.idempotencyKey)]) == true
        )
    }

    @Test("a container_name that is not in the definition, an unclosed quote and count 2 are problems")
    func badInput() throws {
        var job = try ECSFixtures.job(["command": "python -c 'unterminated"])
        if case .object(var members) = job.configuration {
            members["container_name"] = "sidecar"
            members["task_run_request"] = members["task_run_request"].map { request in
                var copy = request.objectValue ?? [:]
                copy["count"] = 2
                return .object(copy)
            }
            job.configuration = .object(members)
        }
        let paths = Set(ECSSubmissionPlan.build(job: job, region: "us-east-1").problems.compactMap { $0.path?.description })
        #expect(paths.contains("$.container_name"))
        #expect(paths.contains("$.task_run_request.overrides.containerOverrides[0].command"))
        #expect(paths.contains("$.task_run_request.count"))
    }

    @Test("tags follow ECS rules: sanitised characters, reserved aws: prefix renamed, at most 50")
    func tags() throws {
        let list = ECSTags.list([("team name!", "données"), ("aws:owner", "x"), ("", "dropped")])
        let expected: [JSONValue] = [["key": "aws_owner", "value": "x"], ["key": "team name_", "value": "donn_es"]]
        #expect(list == expected)
        var labels: [String: JSONValue] = [:]
        for index in 0..<60 { labels["label-\(index)"] = "v" }
        let problems = ECSSubmissionPlan.build(job: try ECSFixtures.job(["labels": .object(labels)]), region: "us-east-1").problems
        #expect(problems.map { $0.path?.description } == ["$.labels"])
    }

    @Test("startedBy keeps a short key and hashes a long one to 36 characters of [A-Za-z0-9-/_]")
    func startedBy() {
        #expect(ECSSubmissionPlan.startedBy(idempotencyKey: "pg-run-1") == "pg-run-1")
        let long = ECSSubmissionPlan.startedBy(idempotencyKey: "pg-8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f-1")
        #expect(long.count == 36 && long.hasPrefix("pg-"))
        #expect(long.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" })
        #expect(long != ECSSubmissionPlan.startedBy(idempotencyKey: "pg-8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f-2"))
    }
}
