import Foundation
import PushgateCore

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

    /// The task ARNs of one ListTasks answer.
    private func listedTasks(_ body: [String: JSONValue]) async throws -> [String] {
        (try await call(.listTasks, .object(body))["taskArns"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
