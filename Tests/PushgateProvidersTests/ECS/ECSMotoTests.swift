import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

/// The ECS provider end to end against a real moto_server with SigV4 checking on (docs/build-notes.md §4),
/// through libcurl and a credentials-file profile. In CI (`CI=true`) a missing moto fails these tests.
@Suite("ECS provider against moto", .enabled(if: MotoServer.isAvailable || MotoServer.isRequired))
struct ECSMotoTests {
    func withMoto(_ body: (MotoServer, CurlHTTPClient, ECSProvider, MotoServer.ECSNetwork) async throws -> Void) async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let network = try moto.defaultECSNetwork()
        let file = try CredentialsFile(parsing: moto.credentialsProfile(), path: "moto.ini", kinds: [.aws])
        try await withCurlHTTPClient { http in
            let provider = try ECSProvider.make(credentials: file, profile: "moto", http: http, clock: SystemClock(), environment: [:])
            _ = try await provider.call(.createCluster, ["clusterName": "pushgate"])
            try await body(moto, http, provider, network)
        }
    }

    func job(_ network: MotoServer.ECSNetwork, runID: String, _ extra: [String: JSONValue] = [:]) throws -> SubmissionJob {
        var variables: [String: JSONValue] = [
            "cluster": "pushgate",
            "network_configuration": [
                "subnets": .array(network.subnets.map(JSONValue.string)),
                "securityGroups": .array(network.securityGroups.map(JSONValue.string)), "assignPublicIp": "ENABLED",
            ],
        ]
        variables.merge(extra) { _, new in new }
        return try ECSFixtures.job(variables, runID: runID, now: Date())
    }

    @Test("register, run, describe until STOPPED (Completed), reuse the definition, look the run up by its key")
    func endToEnd() async throws {
        try await withMoto { _, _, provider, network in
            let first = try job(network, runID: "c0000000-0000-0000-0000-000000000001")
            #expect(provider.validate(first).isEmpty)
            let handle = try await provider.submit(first)
            let task = try #require(ECSTaskHandle(handle))
            #expect(task.cluster.hasSuffix(":cluster/pushgate"))
            let states = try await provider.pollUntilTerminal(handle, job: first, now: first.now).map(\.state)
            #expect(states.last == .completed, "\(states)")
            #expect(states.dropLast().allSatisfy { $0 == .running }, "moto starts tasks RUNNING: \(states)")

            let second = try job(network, runID: "c0000000-0000-0000-0000-000000000002")
            let other = try await provider.submit(second)
            #expect(other != handle)
            let listed = try await provider.call(.listTaskDefinitions, ["familyPrefix": "pushgate_ecs-pool_etl"])
            #expect(listed["taskDefinitionArns"]?.arrayValue?.count == 1, "the second run reused the revision")

            // moto ignores clientToken, so exactly-once rests on the look-up: the key finds its one task.
            let lookedUp = try await provider.lookUp(first)
            #expect(lookedUp.flatMap(ECSTaskHandle.init)?.taskARN == task.taskARN)
            let byStartedBy = try await provider.call(
                .listTasks,
                ["cluster": "pushgate", "startedBy": .string(ECSSubmissionPlan.startedBy(idempotencyKey: first.idempotencyKey))]
            )
            #expect(byStartedBy["taskArns"]?.arrayValue?.count == 1)
            let never = try await provider.lookUp(try job(network, runID: "c0000000-0000-0000-0000-00000000ffff"))
            #expect(never == nil)
        }
    }

    @Test("no network_configuration: the default VPC's subnets, found with signed EC2 calls, carry the task; a missing vpc_id is named")
    func defaultNetwork() async throws {
        try await withMoto { _, _, provider, network in
            let job = try ECSFixtures.job(
                ["cluster": "pushgate", "network_configuration": [:]],
                runID: "c0000000-0000-0000-0000-000000000011",
                now: Date()
            )
            let dry = try await provider.dryRun(job)
            #expect(String(decoding: dry[0].body, as: UTF8.self).contains("Filter.1.Name=isDefault"))
            let handle = try await provider.submit(job)
            let states = try await provider.pollUntilTerminal(handle, job: job, now: job.now).map(\.state)
            #expect(states.last == .completed, "\(states)")
            let task = try #require(ECSTaskHandle(handle))
            let described = try await provider.call(.describeTasks, ["cluster": "pushgate", "tasks": [.string(task.taskARN)]])
            let details = described["tasks"]?.arrayValue?.first?["attachments"]?.arrayValue?.first?["details"]?.arrayValue ?? []
            let subnet = details.first { $0["name"] == "subnetId" }?["value"]?.stringValue
            #expect(subnet.map(network.allSubnets.contains) == true, "the task's ENI is in a subnet of \(network.vpc): \(details)")

            let missing = try ECSFixtures.job(
                ["cluster": "pushgate", "network_configuration": [:], "vpc_id": "vpc-00000000000000000"],
                runID: "c0000000-0000-0000-0000-000000000012",
                now: Date()
            )
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(missing) }
            #expect(error?.message.contains("EC2 DescribeVpcs") == true, "\(error?.message ?? "")")
            #expect(error?.code == .invalidConfiguration || error?.code == .rejected, "\(String(describing: error?.code))")
        }
    }

    @Test("run logs: the awslogs stream of the task read with signed GetLogEvents, tail and follow; no awslogs means no logs")
    func cloudWatchLogs() async throws {
        try await withMoto { moto, _, provider, network in
            let job = try job(
                network,
                runID: "c0000000-0000-0000-0000-000000000021",
                [
                    "configure_cloudwatch_logs": true, "execution_role_arn": "arn:aws:iam::123456789012:role/exec",
                    "cloudwatch_logs_options": ["awslogs-group": "/pushgate/runs"], "cloudwatch_logs_prefix": "etl",
                ]
            )
            let handle = try await provider.submit(job)
            let taskID = try #require(ECSTaskHandle(handle)?.taskARN.split(separator: "/").last)
            let tailBefore = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery()))
            #expect(tailBefore.text.isEmpty, "no stream yet: empty, not an error")
            try moto.putLogEvents(
                group: "/pushgate/runs",
                stream: "etl/prefect/\(taskID)",
                messages: (1...5).map { "line \($0)" },
                startMillis: Int64(Date().timeIntervalSince1970 * 1000) - 60_000
            )
            let tail = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(maxLines: 2)))
            #expect(tail.text == "line 4\nline 5\n", "\(tail.text)")
            let all = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(offset: 0)))
            #expect(all.text == (1...5).map { "line \($0)\n" }.joined())
            let after = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(offset: all.next)))
            #expect(after.text.isEmpty && after.next == all.next, "following from the end reads nothing new")

            let plain = try self.job(network, runID: "c0000000-0000-0000-0000-000000000022")
            #expect(try await provider.logs(try await provider.submit(plain), job: plain, query: ProviderLogQuery()) == nil)
        }
    }

    @Test("StopTask then Cancelled; per-run definition deregistered in clean-up")
    func cancelAndCleanUp() async throws {
        try await withMoto { _, _, provider, network in
            let job = try job(network, runID: "c0000000-0000-0000-0000-000000000003", ["auto_deregister_task_definition": true])
            let handle = try await provider.submit(job)
            try await provider.cancel(handle, job: job, reason: "Cancelled by pushgate")
            let states = try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true, now: job.now)
            #expect(states.last?.state == .cancelled, "\(states)")
            try await provider.cleanUp(handle, job: job)
            let family = try #require(ECSFixtures.plan(job)?.family)
            let described = try await provider.call(.describeTaskDefinition, ["taskDefinition": .string("\(family):1")])
            #expect(described["taskDefinition"]?["status"] == "INACTIVE")
            try await provider.cleanUp(handle, job: job)
        }
    }

    @Test(
        "a task DescribeTasks does not return is found by ListTasks on its startedBy; one no look-up finds is Crashed only once absent for 60 s past the hour"
    )
    func missingTasks() async throws {
        try await withMoto { _, _, provider, network in
            let job = try job(network, runID: "c0000000-0000-0000-0000-000000000006")
            let task = try #require(ECSTaskHandle(try await provider.submit(job)))
            // moto leaves an unknown ARN out of both lists; ListTasks{startedBy} (RUNNING, then STOPPED) finds the run's task.
            let unknownARN = task.taskARN.split(separator: "/").dropLast().joined(separator: "/") + "/00000000000000000000000000000000"
            let misnamed = ECSTaskHandle(cluster: task.cluster, taskARN: unknownARN).handle
            let found = try #require(
                try await provider.poll([PollTarget(handle: misnamed, job: job, submittedAt: job.now, now: job.now.addingTimeInterval(7_200))])[
                    misnamed
                ]
            )
            #expect(found.state == .running || found.state == .completed, "\(found)")

            let stranger = try self.job(network, runID: "c0000000-0000-0000-0000-00000000eeee")
            func state(after elapsed: TimeInterval) async throws -> ProviderStatus.State? {
                let target = PollTarget(handle: misnamed, job: stranger, submittedAt: stranger.now, now: stranger.now.addingTimeInterval(elapsed))
                return try await provider.poll([target])[misnamed]?.state
            }
            #expect(try await state(after: 600) == .unconfirmed)
            #expect(try await state(after: 7_200) == .unconfirmed, "the first absence past the hour is not yet confirmed")
            #expect(try await state(after: 7_260) == .crashed)
        }
    }

    @Test("a wrong secret is unauthorized (moto's XML SignatureDoesNotMatch); an unknown cluster is notFound")
    func refusals() async throws {
        try await withMoto { moto, http, provider, network in
            let wrong = ECSProvider(
                region: "us-east-1",
                endpoint: moto.endpoint,
                credentials: StaticAWSCredentialProvider(
                    AWSCredentials(accessKeyID: moto.bootstrap.accessKeyID, secretAccessKey: "wrong" + moto.bootstrap.secretAccessKey)
                ),
                http: http,
                clock: SystemClock()
            )
            let job = try job(network, runID: "c0000000-0000-0000-0000-000000000004")
            let error = await #expect(throws: ProviderError.self) { try await wrong.submit(job) }
            #expect(error?.code == .unauthorized && error?.httpStatus == 403 && error?.providerCode == "SignatureDoesNotMatch")

            let lost = try self.job(network, runID: "c0000000-0000-0000-0000-000000000005", ["cluster": "no-such-cluster"])
            let missing = await #expect(throws: ProviderError.self) { try await provider.submit(lost) }
            #expect(missing?.code == .notFound && missing?.providerCode == "ClusterNotFoundException")
        }
    }
}
