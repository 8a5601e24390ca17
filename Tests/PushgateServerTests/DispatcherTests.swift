import Foundation
import PushgateCore
import PushgateServer
import PushgateTestSupport
import Testing

@Suite struct DispatcherTests {
    @Test func submitsDueRunsByPriorityWithinLimitsAndInjectsIdentity() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let low = try await h.createRuns("etl-low", count: 2)
        let high = try await h.createRuns("etl-high", count: 5)
        let critical = try await h.createRuns("etl-critical", count: 2)
        let future = try await h.createRuns("etl-low", count: 1, at: 3600)
        let handled = await h.dispatcher().runOnce()
        // critical limit 1, high limit 3, low unlimited: 1 + 3 + 2.
        #expect(handled == 6)
        let submitted = Set(h.provider.workloads.map(\.job.runID))
        #expect(submitted == Set([critical[0].id] + high.prefix(3).map(\.id) + low.map(\.id)))
        #expect(try await h.state(future[0]) == .scheduled)
        #expect(try await h.state(critical[1]) == .scheduled)
        let run = try await h.store.run(id: critical[0].id)
        #expect(run.state == .pending && run.providerHandle == "fake::" + SubmissionJob.idempotencyKey(runID: run.id, attempt: 1))
        // The run identity is in the submitted configuration's env and labels.
        let job = try #require(h.provider.workloads.first { $0.job.runID == critical[0].id }?.job)
        #expect(job.configuration["env"]?["PREFECT__FLOW_RUN_ID"] == .string(run.id))
        #expect(job.configuration["labels"]?["prefect.io/work-pool-name"] == "pool")
        #expect(job.configuration["task_definition"]?["containerDefinitions"]?.arrayValue?.first?["image"] == "repo/etl:1")
        // A second pass submits nothing more while the limits are full.
        #expect(await h.dispatcher().runOnce() == 0)
        #expect(h.provider.submitCalls == 6)
    }

    @Test func retryableFailuresStayPendingThenSubmit() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 1)
        h.provider.failNextSubmits(with: [
            ProviderError(.throttled, "Rate exceeded", httpStatus: 400, providerCode: "ThrottlingException"),
            ProviderError(.unavailable, "Service unavailable", httpStatus: 503),
        ])
        await h.dispatcher().runOnce()
        #expect(h.provider.submitCalls == 3)
        #expect(h.provider.workloads.count == 1)
        #expect(try await h.store.run(id: runs[0].id).providerHandle != nil)
        #expect(h.metrics.value("pushgate_submission_failures_total", labels: ["provider": "ecs:push", "code": "throttled"]) == 1)
    }

    @Test func finalFailuresCrashTheRunWithTheProviderMessage() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 1)
        h.provider.failNextSubmits(with: [ProviderError(.rejected, "Cluster not found", httpStatus: 400, providerCode: "ClusterNotFoundException")])
        await h.dispatcher().runOnce()
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed)
        #expect(run.stateReason.contains("ClusterNotFoundException") && run.stateReason.contains("Cluster not found"))
    }

    @Test func exhaustedRetriesCrashTheRun() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 1)
        h.provider.failNextSubmits(with: Array(repeating: ProviderError(.unavailable, "down", httpStatus: 500), count: 10))
        await h.dispatcher { $0.maxSubmitAttempts = 3 }.runOnce()
        #expect(h.provider.submitCalls == 3)
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed && run.stateReason.contains("after 3 attempts"))
    }

    @Test func invalidConfigurationCrashesBeforeAnyCall() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        // The scripted provider refuses a configuration with "invalid": true; the ECS template does not
        // declare it, so use a variable the schema rejects instead: cpu must be an integer.
        let runs = try await h.createRuns("etl-low", count: 1, vars: #"{"cpu": "lots"}"#)
        await h.dispatcher().runOnce()
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed && run.stateReason.contains("$.cpu: expected integer"))
        #expect(h.provider.submitCalls == 0)
    }

    /// A configuration the provider's own checks refuse (here the scripted provider's `"invalid": true`)
    /// crashes the run with the provider's problems; nothing is sent and nothing is retried.
    @Test func aConfigurationTheProviderRefusesCrashesWithItsProblems() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let template =
            #"{"job_configuration": {"invalid": true, "image": "{{ image }}"}, "variables": {"properties": {"image": {"type": "string"}}}}"#
        _ = try await h.store.createPool(WorkPoolSpec(name: "broken", type: "ecs:push", baseJobTemplate: template), now: h.clock.now())
        _ = try await h.store.createDeployment(
            DeploymentSpec(name: "etl-broken", poolName: "broken", jobVariables: #"{"image": "repo/etl:1"}"#),
            now: h.clock.now()
        )
        let runs = try await h.createRuns("etl-broken", count: 1)
        await h.dispatcher().runOnce()
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed)
        #expect(run.stateReason.hasPrefix("invalid job configuration") && run.stateReason.contains("scripted as invalid"))
        #expect(h.provider.submitCalls == 0 && h.provider.workloads.isEmpty)
    }

    @Test func aLostResponseIsLookedUpNeverResentBlindly() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 1)
        h.provider.loseNextResponses(1)
        await h.dispatcher().runOnce()
        #expect(h.provider.workloads.count == 1)
        #expect(h.provider.submitCalls == 1)
        #expect(h.provider.lookUpCalls == 1)
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.providerHandle == h.provider.workloads[0].handle.value)
        #expect(h.metrics.value("pushgate_submissions_total", labels: ["provider": "ecs:push", "outcome": "adopted"]) == 1)
    }

    /// A replica died after the provider accepted the run but before the store recorded it: the next
    /// owner finds the workload by its key and adopts it; nothing is sent twice.
    @Test func anExpiredLeaseIsReconciledByLookingTheKeyUp() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 2)
        let claimed = try await h.store.claim(pool: "pool", owner: "dead-replica", limit: 2, leaseDuration: 30, now: h.clock.now())
        #expect(claimed.count == 2)
        // The dead replica got run 0 to the provider only.
        let template = try BaseJobTemplate(data: Data((try await h.store.pool(named: "pool")).baseJobTemplate.utf8), file: "t")
        let job = try SubmissionPlan.job(
            run: claimed.first { $0.id == runs[0].id }!,
            template: template,
            pool: try await h.store.pool(named: "pool"),
            deployment: try await h.store.deployment(named: "etl-low"),
            now: h.clock.now()
        )
        _ = try await h.provider.submit(job)
        #expect(await h.dispatcher().runOnce() == 0)  // leases still held
        h.clock.advance(by: 31)
        #expect(await h.dispatcher().runOnce() == 2)
        #expect(h.provider.workloads.count == 2)
        #expect(h.provider.submitCalls == 2)  // one by the dead replica, one for run 1 only
        for run in runs { #expect(try await h.store.run(id: run.id).providerHandle != nil) }
        let history = try await h.store.history(runID: runs[0].id)
        #expect(history.contains { $0.reason.contains("submitted as") })
    }

    @Test func submissionsPerPoolAreBounded() async throws {
        let provider = ScriptedProvider(submitDelay: 0.02)
        let h = try await ServerTestHarness.make(provider: provider)
        defer { Task { await h.close() } }
        try await h.createRuns("etl-low", count: 40)
        let dispatcher = h.dispatcher { $0.maxConcurrentSubmissionsPerPool = 4 }
        #expect(await dispatcher.runOnce() == 4)
        for _ in 0..<9 { await dispatcher.runOnce() }
        #expect(provider.workloads.count == 40)
        #expect(provider.maxInFlight <= 4 && provider.maxInFlight >= 2)
    }

    /// One flooded pool does not starve the others (issue 22's fairness scenario): every pool is claimed
    /// for on each pass within its own submission slots, so nine small pools' runs all go in the first pass
    /// while the flooded pool gets only its slots' worth.
    @Test func aFloodedPoolDoesNotStarveSmallPools() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let template = try String(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json"), encoding: .utf8)
        try await h.createRuns("etl-low", count: 500)
        for index in 1...9 {
            _ = try await h.store.createPool(
                WorkPoolSpec(name: "small-\(index)", type: "ecs:push", baseJobTemplate: template, credentialsProfile: "test"),
                now: h.clock.now()
            )
            _ = try await h.store.createDeployment(
                DeploymentSpec(name: "small-\(index)-d", poolName: "small-\(index)", jobVariables: #"{"image": "repo/etl:1"}"#),
                now: h.clock.now()
            )
            try await h.createRuns("small-\(index)-d", count: 3)
        }
        let dispatcher = h.dispatcher { $0.maxConcurrentSubmissionsPerPool = 16 }
        await dispatcher.runOnce()
        let byPool = Dictionary(grouping: h.provider.workloads, by: \.job.poolName).mapValues(\.count)
        for index in 1...9 { #expect(byPool["small-\(index)"] == 3, "small-\(index) in the first pass: \(byPool)") }
        #expect(byPool["pool"] == 16, "the flooded pool takes its slots' worth, not the pass: \(byPool)")
    }

    /// A pass's claims start one run of each pool in turn, so a small pool's first run does not queue
    /// behind a flooded pool's whole batch (issue 22: max first-run wait of any pool ≤ 2x the mean).
    @Test func aPassStartsOneRunOfEachPoolInTurn() {
        let batches = [["a1", "a2", "a3", "a4"], [], ["b1"], ["c1", "c2"]]
        #expect(Dispatcher.interleaved(batches) == ["a1", "b1", "c1", "a2", "c2", "a3", "a4"])
        #expect(Dispatcher.interleaved([[String]]()).isEmpty)
    }

    /// A pool with every submission slot busy is refilled as soon as half of them free up, not after the
    /// claim interval: the manual clock never moves here, so only the wake-up can start the later batches.
    @Test func freedSlotsAreRefilledWithoutWaitingTheInterval() async throws {
        let provider = ScriptedProvider(submitDelay: 0.01)
        let h = try await ServerTestHarness.make(provider: provider)
        defer { Task { await h.close() } }
        try await h.createRuns("etl-low", count: 24)
        let dispatcher = h.dispatcher {
            $0.maxConcurrentSubmissionsPerPool = 4
            $0.interval = 3600
        }
        let loop = Task { await dispatcher.run() }
        let deadline = Date().addingTimeInterval(20)
        while provider.workloads.count < 24 && Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        dispatcher.stopClaiming()
        await loop.value
        #expect(provider.workloads.count == 24)
        #expect(provider.maxInFlight <= 4)
    }

    /// An idle loop sleeps until the next run is due when that comes before its interval.
    @Test func anIdleLoopWakesWhenTheNextRunIsDue() async throws {
        let provider = ScriptedProvider()
        let h = try await ServerTestHarness.make(provider: provider)
        defer { Task { await h.close() } }
        try await h.createRuns("etl-low", count: 1, at: 5)
        let dispatcher = h.dispatcher { $0.interval = 3600 }
        let loop = Task { await dispatcher.run() }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(provider.workloads.isEmpty)
        h.clock.advance(by: 5)
        let deadline = Date().addingTimeInterval(20)
        while provider.workloads.isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        dispatcher.stopClaiming()
        await loop.value
        #expect(provider.workloads.count == 1)
    }

    @Test func pausedPoolsTakeNoWorkAndStoppingStopsClaims() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        try await h.createRuns("etl-low", count: 3)
        _ = try await h.store.updatePool(named: "pool", WorkPoolUpdate(isPaused: true), now: h.clock.now())
        #expect(await h.dispatcher().runOnce() == 0)
        _ = try await h.store.updatePool(named: "pool", WorkPoolUpdate(isPaused: false), now: h.clock.now())
        let dispatcher = h.dispatcher()
        dispatcher.stopClaiming()
        #expect(await dispatcher.runOnce() == 0)
        #expect(await h.dispatcher().runOnce() == 3)
    }

    @Test func logLinesCarryRunPoolAndProviderAndNoSecrets() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 1)
        await h.dispatcher().runOnce()
        let line = try #require(h.logLines.all.split(separator: "\n").first { $0.contains("\"msg\":\"submitted\"") })
        let fields = try JSONValue.parse(String(line))
        #expect(fields["run_id"] == .string(runs[0].id))
        #expect(fields["pool"] == "pool" && fields["provider"] == "ecs:push")
    }
}
