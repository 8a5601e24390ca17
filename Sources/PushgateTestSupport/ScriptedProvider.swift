import Foundation
import PushgateCore
import Synchronization

/// An in-memory ``Provider`` for dispatcher and poller tests: it keeps workloads by idempotency key (a
/// resubmission with the same key is the same workload, as the real providers' recipes guarantee), and
/// its failures and statuses are scripted by the test.
package final class ScriptedProvider: Provider, Sendable {
    package struct Workload: Sendable, Equatable {
        package var handle: ProviderHandle
        package var job: SubmissionJob
        package var status: ProviderStatus
        package var cancelled: Bool
        package var cleanedUp: Bool
        /// The job the last cancel came with (re-rendered by the poller from the store).
        package var cancelJob: SubmissionJob? = nil
    }

    private struct State {
        var workloads: [String: Workload] = [:]  // by idempotency key
        var submitCalls = 0
        var lookUpCalls = 0
        var pendingFailures: [ProviderError] = []
        /// Fail after recording the workload (the response was lost).
        var ambiguousAfterRecording = 0
        var inFlight = 0
        var maxInFlight = 0
        var pendingCleanUpFailures: [ProviderError] = []
        var cancelsTakeEffect = true
        var cleanUpCalls = 0
    }

    package let kind: ProviderKind
    private let state = Mutex(State())
    /// How long each submit takes (to observe concurrency).
    package let submitDelay: TimeInterval

    package init(kind: ProviderKind = ProviderKind(rawValue: "ecs:push"), submitDelay: TimeInterval = 0) {
        self.kind = kind
        self.submitDelay = submitDelay
    }

    /// The next submit calls throw these, in order, before anything is recorded.
    package func failNextSubmits(with errors: [ProviderError]) { state.withLock { $0.pendingFailures += errors } }
    /// The next `count` submits record the workload and then throw `.ambiguous` (a lost response).
    package func loseNextResponses(_ count: Int) { state.withLock { $0.ambiguousAfterRecording += count } }
    /// The next clean-up calls throw these, in order, and clean nothing.
    package func failNextCleanUps(with errors: [ProviderError]) { state.withLock { $0.pendingCleanUpFailures += errors } }
    /// Cancels are recorded but the workloads keep their scripted status (a stop not yet carried out).
    package func ignoreCancels() { state.withLock { $0.cancelsTakeEffect = false } }
    /// Sets the status of the workload of `runID`.
    package func setStatus(runID: String, _ status: ProviderStatus) {
        state.withLock { s in
            for (key, workload) in s.workloads where workload.job.runID == runID { s.workloads[key]!.status = status }
        }
    }
    /// Sets every workload's status.
    package func setAllStatuses(_ status: ProviderStatus) {
        state.withLock { s in for key in s.workloads.keys { s.workloads[key]!.status = status } }
    }

    package var workloads: [Workload] { state.withLock { Array($0.workloads.values) } }
    package var submitCalls: Int { state.withLock { $0.submitCalls } }
    package var lookUpCalls: Int { state.withLock { $0.lookUpCalls } }
    package var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    package var cleanUpCalls: Int { state.withLock { $0.cleanUpCalls } }

    /// One quota per pool, so tests see pacing per pool.
    package func pacingKey(for job: SubmissionJob) -> PacingKey { PacingKey(kind: kind, account: job.poolName) }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        job.configuration["invalid"] == .bool(true)
            ? [TemplateProblem(.providerRequirement, file: "job", path: .root / "invalid", "scripted as invalid")] : []
    }

    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let problems = validate(job)
        if !problems.isEmpty {
            throw ProviderError(.invalidConfiguration, problems.map(\.description).joined(separator: "; "))
        }
        let failure = state.withLock { s -> ProviderError? in
            s.submitCalls += 1
            return s.pendingFailures.isEmpty ? nil : s.pendingFailures.removeFirst()
        }
        if let failure { throw failure }
        state.withLock { s in
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
        }
        if submitDelay > 0 { try? await Task.sleep(nanoseconds: UInt64(submitDelay * 1e9)) }
        let (handle, lose) = state.withLock { s -> (ProviderHandle, Bool) in
            s.inFlight -= 1
            let handle = s.workloads[job.idempotencyKey]?.handle ?? ProviderHandle("fake::\(job.idempotencyKey)")
            if s.workloads[job.idempotencyKey] == nil {
                s.workloads[job.idempotencyKey] = Workload(
                    handle: handle,
                    job: job,
                    status: ProviderStatus(.pending),
                    cancelled: false,
                    cleanedUp: false
                )
            }
            let lose = s.ambiguousAfterRecording > 0
            if lose { s.ambiguousAfterRecording -= 1 }
            return (handle, lose)
        }
        if lose { throw ProviderError(.ambiguous, "the connection dropped after the request was sent") }
        return handle
    }

    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        state.withLock { s in
            s.lookUpCalls += 1
            return s.workloads[job.idempotencyKey]?.handle
        }
    }

    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        state.withLock { s in
            var result: [ProviderHandle: ProviderStatus] = [:]
            for target in targets {
                guard let workload = s.workloads.values.first(where: { $0.handle == target.handle }) else { continue }
                result[target.handle] =
                    s.cancelsTakeEffect && workload.cancelled && !workload.status.state.isTerminal
                    ? ProviderStatus(.cancelled, reason: "stopped by the gateway") : workload.status
            }
            return result
        }
    }

    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        state.withLock { s in
            for (key, workload) in s.workloads where workload.handle == handle {
                s.workloads[key]!.cancelled = true
                s.workloads[key]!.cancelJob = job
            }
        }
    }

    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        let failure = state.withLock { s -> ProviderError? in
            s.cleanUpCalls += 1
            if !s.pendingCleanUpFailures.isEmpty { return s.pendingCleanUpFailures.removeFirst() }
            for (key, workload) in s.workloads where workload.handle == handle { s.workloads[key]!.cleanedUp = true }
            return nil
        }
        if let failure { throw failure }
    }

    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        [HTTPRequest(method: "POST", url: "https://fake.invalid/submit", body: job.configuration.data())]
    }
}
