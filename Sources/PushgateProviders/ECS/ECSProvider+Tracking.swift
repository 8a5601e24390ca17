import Foundation
import PushgateCore

extension ECSProvider {
    /// DescribeTasks accepts at most 100 tasks per call (docs/provider-apis.md §2.4).
    package static let describeBatchSize = 100

    /// Finds the task an earlier RunTask started for this job: ListTasks by `startedBy` (derived from the
    /// idempotency key), first among running tasks (the default filter), then among stopped ones
    /// (docs/provider-apis.md §2.7), and DescribeTasks for the cluster ARN.
    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let cluster = (try? plan(for: job))?.cluster ?? ECSProvider.cluster(in: job.configuration)
        let startedBy = ECSSubmissionPlan.startedBy(idempotencyKey: job.idempotencyKey)
        var base: [String: JSONValue] = ["startedBy": .string(startedBy)]
        if let cluster { base["cluster"] = .string(cluster) }
        var arns = (try await call(.listTasks, .object(base))["taskArns"]?.arrayValue ?? []).compactMap(\.stringValue)
        if arns.isEmpty {
            var stopped = base
            stopped["desiredStatus"] = "STOPPED"
            do {
                arns = (try await call(.listTasks, .object(stopped))["taskArns"]?.arrayValue ?? []).compactMap(\.stringValue)
            } catch let error as ProviderError where error.code == .rejected {
                // Whether ECS accepts desiredStatus with startedBy is unverified (docs/provider-apis.md §2.7).
                return nil
            }
        }
        guard let arn = arns.first else { return nil }
        var describe: [String: JSONValue] = ["tasks": [.string(arn)]]
        if let cluster { describe["cluster"] = .string(cluster) }
        let described = try? await call(.describeTasks, .object(describe))
        let clusterARN = described?["tasks"]?.arrayValue?.first?["clusterArn"]?.stringValue
        return ECSTaskHandle(cluster: clusterARN ?? cluster ?? "default", taskARN: arn).handle
    }

    /// `task_run_request.cluster` or `cluster` of a configuration the plan could not be built from.
    static func cluster(in configuration: JSONValue) -> String? {
        for value in [configuration["task_run_request"]?["cluster"], configuration["cluster"]] {
            if let text = value?.stringValue, !text.isEmpty { return text }
        }
        return nil
    }

    /// DescribeTasks per cluster in batches of up to 100, each task mapped with ``ECSStatusMapping``.
    /// A task DescribeTasks does not return is Pending within the grace window after RunTask; after it, one
    /// answer is no proof that the task ended, so it is looked up another way (``searchMissingTask(_:target:failureReason:)``)
    /// and is Crashed only when ECS has not known it at all for ``absenceConfirmation`` (docs/provider-apis.md §2.4).
    /// A handle that is not `cluster::taskArn` maps to Crashed (it cannot be tracked).
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var result: [ProviderHandle: ProviderStatus] = [:]
        var byCluster: [String: [(PollTarget, ECSTaskHandle)]] = [:]
        var clusterOrder: [String] = []
        for target in targets {
            guard let task = ECSTaskHandle(target.handle) else {
                result[target.handle] = ProviderStatus(.crashed, reason: "unreadable ECS handle '\(target.handle)' (expected cluster::taskArn)")
                continue
            }
            if byCluster[task.cluster] == nil { clusterOrder.append(task.cluster) }
            byCluster[task.cluster, default: []].append((target, task))
        }
        var missing: [(PollTarget, ECSTaskHandle, String?)] = []
        for cluster in clusterOrder {
            let entries = byCluster[cluster]!
            for start in stride(from: 0, to: entries.count, by: ECSProvider.describeBatchSize) {
                let batch = entries[start..<min(start + ECSProvider.describeBatchSize, entries.count)]
                var arns: [String] = []
                for entry in batch where !arns.contains(entry.1.taskARN) { arns.append(entry.1.taskARN) }
                let answer = try await call(
                    .describeTasks,
                    ["cluster": .string(cluster), "tasks": .array(arns.map(JSONValue.string)), "include": ["TAGS"]]
                )
                let (tasks, failures) = ECSProvider.described(answer)
                for (target, task) in batch {
                    if let described = ECSProvider.task(task.taskARN, in: tasks) {
                        result[target.handle] = ECSStatusMapping.status(task: described, target: target)
                    } else if let status = ECSStatusMapping.status(
                        failureReason: failures[task.taskARN],
                        target: target,
                        grace: missingGraceWindow
                    ) {
                        result[target.handle] = status
                    } else {
                        missing.append((target, task, failures[task.taskARN]))
                    }
                }
            }
        }
        // A task DescribeTasks returned is no longer absent: a later absence starts its confirmation anew.
        state.absentSince.withLock { absent in
            guard !absent.isEmpty else { return }
            for handle in result.keys { absent[handle.value] = nil }
        }
        for (target, task, reason) in missing {
            var search = try await searchMissingTask(task, target: target, failureReason: reason)
            search.absentSince = noteAbsence(target, search: search)
            result[target.handle] = ECSStatusMapping.status(
                search: search,
                target: target,
                visibility: stoppedTaskVisibility,
                confirmation: absenceConfirmation
            )
        }
        return result
    }

    /// A DescribeTasks answer's tasks by ARN and failure reasons by ARN.
    static func described(_ answer: JSONValue) -> (tasks: [String: JSONValue], failures: [String: String]) {
        var tasks: [String: JSONValue] = [:]
        for task in answer["tasks"]?.arrayValue ?? [] {
            if let arn = task["taskArn"]?.stringValue { tasks[arn] = task }
        }
        var failures: [String: String] = [:]
        for failure in answer["failures"]?.arrayValue ?? [] {
            if let arn = failure["arn"]?.stringValue { failures[arn] = failure["reason"]?.stringValue ?? "MISSING" }
        }
        return (tasks, failures)
    }

    /// The task named `arn` (a full ARN or the task id the handle may carry) among described tasks.
    static func task(_ arn: String, in tasks: [String: JSONValue]) -> JSONValue? {
        tasks[arn] ?? tasks.first(where: { $0.key.hasSuffix("/" + arn) })?.value
    }

    /// StopTask (docs/provider-apis.md §2.5); a task ECS no longer knows counts as stopped.
    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        guard let task = ECSTaskHandle(handle) else {
            throw ProviderError(.invalidConfiguration, "ECS StopTask: unreadable handle '\(handle)' (expected cluster::taskArn)")
        }
        do {
            _ = try await call(
                .stopTask,
                ["cluster": .string(task.cluster), "task": .string(task.taskARN), "reason": .string(String(reason.prefix(255)))]
            )
        } catch let error as ProviderError where error.code == .notFound {
            return
        }
    }

    /// With `auto_deregister_task_definition`, deregisters the task's definition if it was registered for
    /// this run (tag `pushgate.io/registered-for` = the idempotency key); shared, reused definitions are
    /// never deregistered per run (docs/provider-apis.md §2.6). Harmless to call twice.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        guard job.configuration["auto_deregister_task_definition"]?.boolValue == true, let task = ECSTaskHandle(handle) else { return }
        let described = try await call(.describeTasks, ["cluster": .string(task.cluster), "tasks": [.string(task.taskARN)]])
        guard let definitionARN = described["tasks"]?.arrayValue?.first?["taskDefinitionArn"]?.stringValue else { return }
        let definition: JSONValue
        do {
            definition = try await call(.describeTaskDefinition, ["taskDefinition": .string(definitionARN), "include": ["TAGS"]])
        } catch let error as ProviderError where error.code == .notFound {
            return
        }
        let tags = definition["tags"]?.arrayValue ?? []
        let ours = tags.contains { $0["key"]?.stringValue == ECSTags.registeredFor && $0["value"]?.stringValue == job.idempotencyKey }
        guard ours, definition["taskDefinition"]?["status"]?.stringValue == "ACTIVE" else { return }
        do {
            _ = try await call(.deregisterTaskDefinition, ["taskDefinition": .string(definitionARN)])
        } catch let error as ProviderError where error.code == .notFound {
            return
        }
    }
}
