import Foundation
import PushgateCore

/// What the second look-up found for a task DescribeTasks did not return after the grace window
/// (docs/provider-apis.md §2.4 "A task DescribeTasks does not return"): ListTasks by the run's `startedBy`
/// among running tasks, then among stopped ones (§2.7), and a second DescribeTasks of the handle's task
/// and of any task listed. One MISSING answer is no proof that a task ended, so the mapping
/// (``ECSStatusMapping/status(search:target:visibility:confirmation:)``) reads this instead.
package struct ECSMissingTaskSearch: Sendable, Equatable {
    /// The first DescribeTasks failure reason; nil when the task was left out of both lists, as moto does
    /// for an unknown ARN (counted as MISSING).
    package var failureReason: String?
    /// The task as the second DescribeTasks returned it: the handle's task, else one ListTasks found
    /// for the run's `startedBy`.
    package var task: JSONValue?
    /// ARNs ListTasks returned for the run's `startedBy` (desiredStatus RUNNING, then STOPPED).
    package var listed: [String]
    /// The ListTasks of running tasks and the second DescribeTasks both answered. Only then can an empty
    /// search mean that ECS no longer knows the task. The listing of stopped tasks is not needed for that:
    /// ECS may refuse `desiredStatus` next to `startedBy` (§2.7), and a task stopped longer ago than the
    /// visibility window may have left that listing anyway.
    package var settled: Bool
    /// Why a look-up did not answer (a refused filter, throttling, an outage), for the reason shown.
    package var problems: [String]
    /// When a poll first found ECS not knowing the task at all late enough that it may have aged out
    /// (``showsNoTask``, past the visibility window); the provider remembers it between polls. The run ends
    /// only once that absence has held for the confirmation window, so one stale answer never ends it.
    package var absentSince: Date?

    /// Every look-up answered and none knows the task: DescribeTasks says MISSING (or, as moto does, leaves it
    /// out), ListTasks lists nothing for the run and the second DescribeTasks does not return it.
    package var showsNoTask: Bool { task == nil && listed.isEmpty && settled && (failureReason ?? "MISSING") == "MISSING" }

    package init(
        failureReason: String?,
        task: JSONValue? = nil,
        listed: [String] = [],
        settled: Bool = true,
        problems: [String] = [],
        absentSince: Date? = nil
    ) {
        self.failureReason = failureReason
        self.task = task
        self.listed = listed
        self.settled = settled
        self.problems = problems
        self.absentSince = absentSince
    }
}
