import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// A task DescribeTasks does not return is not proof that it ended (docs/provider-apis.md §2.4): through libcurl
/// against ``FakeECSServer`` answering MISSING for tasks that still run, the provider never reports them
/// terminal, and still reports Crashed a task ECS no longer knows at all.
@Suite("ECS tasks DescribeTasks does not return")
struct ECSMissingTaskTests {
    func withFake(
        _ configuration: FakeECSConfiguration = FakeECSConfiguration(),
        _ body: (FakeECSServer, ECSProvider) async throws -> Void
    ) async throws {
        let fake = try FakeECSServer(configuration)
        defer { fake.stop() }
        try await withCurlHTTPClient { http in try await body(fake, ECSProvider.against(fake, http: http, clock: RecordingClock())) }
    }

    /// Two minutes after submission: past the 60 s grace window, well within the hour stopped tasks stay visible.
    static let afterGrace: TimeInterval = 120

    @Test("a running task answered MISSING once: ListTasks finds it and the second DescribeTasks reports it; never terminal until it ends")
    func missingOnce() async throws {
        try await withFake(FakeECSConfiguration(missingWindow: .init(after: 1, reads: 1))) { fake, provider in
            let job = try ECSFixtures.job()
            let handle = try await provider.submit(job)
            let statuses = try await provider.pollUntilTerminal(handle, job: job, now: job.now.addingTimeInterval(Self.afterGrace))
            #expect(statuses.map(\.state) == [.pending, .running, .completed])
            #expect(fake.statistics.missingAnswers == 1)
            #expect(fake.statistics.calls["ListTasks"] == 1)
        }
    }

    @Test(
        "a running task answered MISSING for four reads: Unconfirmed (with why), then its true states",
        arguments: [false, true]
    )
    func missingForAWhile(hiddenFromListTasks: Bool) async throws {
        let window = FakeECSConfiguration.MissingWindow(after: 1, reads: 4, hidesFromListTasks: hiddenFromListTasks)
        try await withFake(FakeECSConfiguration(missingWindow: window)) { fake, provider in
            let job = try ECSFixtures.job()
            let handle = try await provider.submit(job)
            let statuses = try await provider.pollUntilTerminal(handle, job: job, now: job.now.addingTimeInterval(Self.afterGrace))
            #expect(statuses.map(\.state) == [.pending, .unconfirmed, .unconfirmed, .running, .completed])
            let why = statuses[1].reason ?? ""
            #expect(why.contains(hiddenFromListTasks ? "has not aged out" : "ListTasks lists 1 task"), "\(why)")
            #expect(fake.statistics.missingAnswers == 4)
        }
    }

    @Test("MISSING within the grace window is Pending without any look-up")
    func withinGrace() async throws {
        try await withFake(FakeECSConfiguration(missingWindow: .init(reads: 1))) { fake, provider in
            let job = try ECSFixtures.job()
            let handle = try await provider.submit(job)
            let status = try await provider.poll([PollTarget(handle: handle, job: job, submittedAt: job.now, now: job.now.addingTimeInterval(5))])
            #expect(status[handle]?.state == .pending)
            #expect(fake.statistics.calls["ListTasks"] == nil)
        }
    }

    @Test(
        "a task ECS no longer knows (aged out, or never started): Unconfirmed within the hour and for 60 s after it, then Crashed, or Cancelled after a cancel",
        arguments: [false, true]
    )
    func genuinelyGone(startedByIsExclusiveFilter: Bool) async throws {
        let configuration = FakeECSConfiguration(stoppedTaskRetention: 0, startedByIsExclusiveFilter: startedByIsExclusiveFilter)
        try await withFake(configuration) { fake, provider in
            let job = try ECSFixtures.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job, now: job.now).last?.state == .completed)
            try await Task.sleep(nanoseconds: 20_000_000)  // past the zero retention on the server's clock
            let never = ProviderHandle("default::arn:aws:ecs:us-east-1:123456789012:task/default/00000000000000000000000000000000")
            let neverJob = try ECSFixtures.job(runID: "dddddddd-0000-0000-0000-000000000001")
            for (handle, job) in [(handle, job), (never, neverJob)] {
                func state(after elapsed: TimeInterval, cancelRequested: Bool = false) async throws -> ProviderStatus? {
                    let target = PollTarget(
                        handle: handle,
                        job: job,
                        cancelRequested: cancelRequested,
                        submittedAt: job.now,
                        now: job.now.addingTimeInterval(elapsed)
                    )
                    return try await provider.poll([target])[handle]
                }
                let early = try await state(after: 600)
                #expect(early?.state == .unconfirmed && early?.reason?.contains("has not aged out") == true, "\(String(describing: early))")
                // Past the hour the absence must hold for the confirmation window before the run ends.
                let first = try await state(after: 7_200)
                #expect(first?.state == .unconfirmed && first?.reason?.contains("absent for 0 s") == true, "\(String(describing: first))")
                #expect(try await state(after: 7_259)?.state == .unconfirmed)
                let late = try await state(after: 7_260)
                #expect(late?.state == .crashed && late?.reason?.contains("task lost") == true, "\(String(describing: late))")
                #expect(try await state(after: 7_260, cancelRequested: true)?.state == .cancelled)
            }
            #expect(fake.statistics.agedOutAnswers > 0)
            if startedByIsExclusiveFilter {
                let refused = await #expect(throws: ProviderError.self) {
                    try await provider.call(.listTasks, ["startedBy": "pg-x", "desiredStatus": "STOPPED"])
                }
                #expect(refused?.code == .rejected && refused?.providerCode == "InvalidParameterException")
            }
        }
    }

    @Test("a look-up that fails (ListTasks throttled past its retries) leaves the task Unconfirmed, however late")
    func lookUpFails() async throws {
        let faults = FaultConfiguration(scripted: (1...3).map { ScriptedFault("ListTasks", occurrence: $0, .status(400)) })
        try await withFake(FakeECSConfiguration(faults: faults)) { _, provider in
            let handle = ProviderHandle("default::arn:aws:ecs:us-east-1:123456789012:task/default/00000000000000000000000000000001")
            let job = try ECSFixtures.job()
            let target = PollTarget(handle: handle, job: job, submittedAt: job.now, now: job.now.addingTimeInterval(7_200))
            let status = try #require(try await provider.poll([target])[handle])
            #expect(status.state == .unconfirmed)
            #expect(status.reason?.contains("could not settle") == true && status.reason?.contains("ListTasks") == true, "\(status.reason ?? "")")
        }
    }

    @Test("an absence past the hour is forgotten once the task shows up again, so a later absence is confirmed anew")
    func absenceForgotten() async throws {
        let window = FakeECSConfiguration.MissingWindow(after: 1, reads: 2, hidesFromListTasks: true)
        try await withFake(FakeECSConfiguration(missingWindow: window, stoppedTaskRetention: 0)) { fake, provider in
            let job = try ECSFixtures.job()
            let handle = try await provider.submit(job)
            func poll(after elapsed: TimeInterval) async throws -> ProviderStatus {
                let target = PollTarget(handle: handle, job: job, submittedAt: job.now, now: job.now.addingTimeInterval(elapsed))
                return try #require(try await provider.poll([target])[handle])
            }
            #expect(try await poll(after: 3_700).state == .pending)
            // Both DescribeTasks answer MISSING and ListTasks hides it: the first absence past the hour.
            let absent = try await poll(after: 3_701)
            #expect(absent.state == .unconfirmed && absent.reason?.contains("absent for 0 s") == true, "\(absent)")
            var states: [ProviderStatus.State] = []
            for step in 0..<10 where states.last?.isTerminal != true { states.append(try await poll(after: 3_800 + Double(step)).state) }
            #expect(states.last == .completed, "\(states)")
            try await Task.sleep(nanoseconds: 20_000_000)  // past the zero retention on the server's clock
            // Aged out 199 s after the first absence: had it been remembered, this would be Crashed at once.
            let again = try await poll(after: 3_900)
            #expect(again.state == .unconfirmed && again.reason?.contains("absent for 0 s") == true, "\(again)")
            #expect(try await poll(after: 3_960).state == .crashed)
            #expect(fake.statistics.missingAnswers == 2 && fake.statistics.agedOutAnswers > 0)
        }
    }

    @Test("peakConcurrentTasks counts tasks started and not yet STOPPED; a MISSING answer does not end one")
    func peakConcurrency() async throws {
        try await withFake { fake, provider in
            var runs: [(ProviderHandle, SubmissionJob)] = []
            for index in 1...3 {
                let job = try ECSFixtures.job(runID: "eeeeeeee-0000-0000-0000-00000000000\(index)")
                runs.append((try await provider.submit(job), job))
            }
            #expect(fake.statistics.peakConcurrentTasks == 3)
            for (handle, job) in runs { _ = try await provider.pollUntilTerminal(handle, job: job, now: job.now) }
            _ = try await provider.submit(try ECSFixtures.job(runID: "eeeeeeee-0000-0000-0000-000000000009"))
            #expect(fake.statistics.peakConcurrentTasks == 3, "the three ended before the fourth started")
            #expect(fake.statistics.json["peakConcurrentTasks"] == 3)
        }
    }
}
