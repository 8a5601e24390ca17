import Foundation
import PushgateCore

/// The second look for a task DescribeTasks did not return (docs/provider-apis.md §2.4), and the memory of
/// how long it has been absent.
extension ECSProvider {
    /// Looks for a task that DescribeTasks did not return after the grace window, another way than the read
    /// that missed it (docs/provider-apis.md §2.4, §2.7): ListTasks in the task's cluster by the run's
    /// `startedBy`, among running tasks (the default filter, so `startedBy` is the only filter) and, when that
    /// finds none, among stopped ones; then a second DescribeTasks of the handle's task and of every task
    /// listed. A call that fails or is refused is noted in the search rather than thrown, so the mapping
    /// answers Unconfirmed instead of guessing; only cancellation is thrown.
    func searchMissingTask(_ task: ECSTaskHandle, target: PollTarget, failureReason: String?) async throws -> ECSMissingTaskSearch {
        var search = ECSMissingTaskSearch(failureReason: failureReason)
        let startedBy = ECSSubmissionPlan.startedBy(idempotencyKey: target.job.idempotencyKey)
        let base: [String: JSONValue] = ["cluster": .string(task.cluster), "startedBy": .string(startedBy)]
        do {
            search.listed = try await listedTasks(base)
        } catch let error as ProviderError {
            search.settled = false
            search.problems.append(error.message)
        }
        if search.listed.isEmpty {
            var stopped = base
            stopped["desiredStatus"] = "STOPPED"
            do {
                search.listed = try await listedTasks(stopped)
            } catch let error as ProviderError {
                // Not needed to settle the search (ECSMissingTaskSearch.settled), but shown in the reason.
                search.problems.append(error.message)
            }
        }
        var arns = [task.taskARN]
        for arn in search.listed where !arns.contains(arn) && arns.count < ECSProvider.describeBatchSize { arns.append(arn) }
        do {
            let answer = try await call(
                .describeTasks,
                ["cluster": .string(task.cluster), "tasks": .array(arns.map(JSONValue.string)), "include": ["TAGS"]]
            )
            let (tasks, _) = ECSProvider.described(answer)
            search.task = arns.lazy.compactMap { ECSProvider.task($0, in: tasks) }.first
        } catch let error as ProviderError {
            search.settled = false
            search.problems.append(error.message)
        }
        return search
    }

    /// Most handles remembered as absent; past it the oldest half is forgotten (a forgotten one only starts
    /// its confirmation again).
    static let maxAbsentRemembered = 10_000

    /// When the poller first saw no trace of the target's task late enough that it may have aged out, recorded
    /// now if this poll is the first; nil, and forgotten, when this search found a trace of it.
    func noteAbsence(_ target: PollTarget, search: ECSMissingTaskSearch) -> Date? {
        let key = target.handle.value
        let mayHaveAgedOut = target.now.timeIntervalSince(target.submittedAt) >= stoppedTaskVisibility
        return state.absentSince.withLock { absent -> Date? in
            guard search.showsNoTask, mayHaveAgedOut else {
                absent[key] = nil
                return nil
            }
            if let since = absent[key] { return since }
            if absent.count >= Self.maxAbsentRemembered {
                for (old, _) in absent.sorted(by: { $0.value < $1.value }).prefix(absent.count / 2) { absent[old] = nil }
            }
            absent[key] = target.now
            return target.now
        }
    }

    /// The task ARNs of one ListTasks answer.
    private func listedTasks(_ body: [String: JSONValue]) async throws -> [String] {
        (try await call(.listTasks, .object(body))["taskArns"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
