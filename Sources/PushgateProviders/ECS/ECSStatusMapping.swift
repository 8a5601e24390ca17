import Foundation
import PushgateCore

/// Maps a DescribeTasks answer for one task to a run state (docs/provider-apis.md §1.4 and the §2.4 table).
/// Pure: the gateway's own knowledge (cancel requested, submission time, now) comes in the ``PollTarget``.
package enum ECSStatusMapping {
    /// How long a task may be reported MISSING after RunTask before it counts as lost: ECS is eventually
    /// consistent (docs/provider-apis.md §2.3, §2.4).
    package static let missingGraceWindow: TimeInterval = 60

    package static let pendingStatuses: Set<String> = ["PROVISIONING", "PENDING", "ACTIVATING"]
    package static let runningStatuses: Set<String> = ["RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING"]
    package static let stoppedStatuses: Set<String> = ["STOPPED", "DELETED"]
    /// Stop codes that mean the infrastructure, not the workload, ended the task.
    package static let infrastructureStopCodes: Set<String> = [
        "TaskFailedToStart", "SpotInterruption", "TerminationNotice", "InfrastructureHealth", "ServiceSchedulerInitiated",
    ]

    /// ECS keeps a stopped task visible to DescribeTasks and ListTasks for at least an hour (docs/provider-apis.md
    /// §2.4, §2.7). A task that no look-up finds sooner than this after its submission cannot have aged out, so
    /// "not found" then proves nothing about its end.
    package static let stoppedTaskVisibility: TimeInterval = 3_600

    /// The status of a task that DescribeTasks listed under `failures` (or did not mention at all, as moto does
    /// for unknown ARNs: `reason` nil) when that answer alone settles it: Pending while MISSING within the
    /// grace window after RunTask (ECS is eventually consistent). Nil otherwise: one MISSING answer is no
    /// proof that the task ended, so the caller looks it up another way and maps what it finds with
    /// ``status(search:target:visibility:confirmation:)`` (docs/provider-apis.md §2.4).
    package static func status(
        failureReason reason: String?,
        target: PollTarget,
        grace: TimeInterval = missingGraceWindow
    ) -> ProviderStatus? {
        let label = reason ?? "MISSING"
        if label == "MISSING" && target.now.timeIntervalSince(target.submittedAt) < grace {
            return ProviderStatus(.pending, reason: "MISSING (ECS is eventually consistent; within the \(Int(grace)) s grace window)")
        }
        return nil
    }

    /// How long a poll after poll must find no trace of a task (``ECSMissingTaskSearch/showsNoTask``) before
    /// its run ends: one answer of an eventually consistent API proves nothing (docs/provider-apis.md §2.4).
    package static let absenceConfirmation: TimeInterval = 60

    /// The status of a task DescribeTasks did not return after the grace window, from the second look-up
    /// (docs/provider-apis.md §2.4): the task's own status when the look-up found it. Crashed (Cancelled after
    /// a cancel request) only for a confirmed absence: no look-up knows the task, late enough after
    /// submission that a stopped task could have aged out (`visibility`), and so since `absentSince` for
    /// `confirmation` seconds. Anything less is Unconfirmed, so the run keeps its slot.
    package static func status(
        search: ECSMissingTaskSearch,
        target: PollTarget,
        visibility: TimeInterval = stoppedTaskVisibility,
        confirmation: TimeInterval = absenceConfirmation
    ) -> ProviderStatus {
        let label = search.failureReason ?? "MISSING"
        if let task = search.task { return status(task: task, target: target) }
        let age = Int(target.now.timeIntervalSince(target.submittedAt))
        if !search.listed.isEmpty {
            return ProviderStatus(
                .unconfirmed,
                reason: "DescribeTasks reports \(label), but ListTasks lists \(search.listed.count) task(s) started by this run"
            )
        }
        guard search.settled else {
            return ProviderStatus(
                .unconfirmed,
                reason: "DescribeTasks reports \(label) and the look-up could not settle it: " + search.problems.joined(separator: "; ")
            )
        }
        guard search.showsNoTask else {
            return ProviderStatus(.unconfirmed, reason: "DescribeTasks reports \(label) and ListTasks does not list the task")
        }
        if target.now.timeIntervalSince(target.submittedAt) < visibility {
            return ProviderStatus(
                .unconfirmed,
                reason: "DescribeTasks reports MISSING and ListTasks does not list the task \(age) s after submission; "
                    + "ECS keeps a stopped task visible for at least \(Int(visibility)) s, so it has not aged out"
            )
        }
        let absent = Int(target.now.timeIntervalSince(search.absentSince ?? target.now))
        guard Double(absent) >= confirmation else {
            return ProviderStatus(
                .unconfirmed,
                reason: "no look-up finds the task \(age) s after submission (absent for \(absent) s); "
                    + "it counts as gone once that has held for \(Int(confirmation)) s"
            )
        }
        if target.cancelRequested {
            return ProviderStatus(.cancelled, reason: "task no longer known to ECS (MISSING, not listed for \(absent) s) after a cancel request")
        }
        return ProviderStatus(
            .crashed,
            reason: "task lost: DescribeTasks reports MISSING and ListTasks does not list it for \(absent) s, \(age) s after submission"
        )
    }

    /// The status of a task DescribeTasks returned.
    package static func status(task: JSONValue, target: PollTarget) -> ProviderStatus {
        let lastStatus = task["lastStatus"]?.stringValue ?? ""
        if pendingStatuses.contains(lastStatus) { return ProviderStatus(.pending, reason: lastStatus) }
        if runningStatuses.contains(lastStatus) {
            let stopping = task["desiredStatus"]?.stringValue == "STOPPED" ? " (stopping)" : ""
            return ProviderStatus(.running, reason: lastStatus + stopping)
        }
        guard stoppedStatuses.contains(lastStatus) else {
            // An unknown (newer) non-terminal status: running once started, else pending.
            let started = task["startedAt"] != nil && task["startedAt"] != .null
            return ProviderStatus(started ? .running : .pending, reason: lastStatus.isEmpty ? "no lastStatus" : lastStatus)
        }

        let stopCode = task["stopCode"]?.stringValue
        let stoppedReason = task["stoppedReason"]?.stringValue
        let container = mainContainer(of: task)
        let exitCode = container?["exitCode"]?.intValue.map { Int($0) }
        func describe(_ prefix: String) -> String {
            [prefix, stoppedReason, container?["reason"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
                .joined(separator: ": ")
        }

        if target.cancelRequested && (stopCode == nil || stopCode == "UserInitiated") {
            return ProviderStatus(.cancelled, exitCode: exitCode, reason: describe("stopped on the gateway's request"))
        }
        if let stopCode, infrastructureStopCodes.contains(stopCode) {
            return ProviderStatus(.crashed, exitCode: exitCode, reason: describe(stopCode))
        }
        if stopCode == "UserInitiated" {
            return ProviderStatus(.crashed, exitCode: exitCode, reason: describe("UserInitiated: stopped outside the gateway"))
        }
        if let stopCode, stopCode != "EssentialContainerExited" {
            return ProviderStatus(.crashed, exitCode: exitCode, reason: describe("unknown stopCode \(stopCode)"))
        }
        guard let exitCode else {
            let name = container?["name"]?.stringValue ?? "main container"
            return ProviderStatus(.crashed, reason: describe("container '\(name)' has no exit code"))
        }
        if exitCode == 0 { return ProviderStatus(.completed, exitCode: 0, reason: stopCode ?? "STOPPED") }
        return ProviderStatus(.failed, exitCode: exitCode, reason: describe("exit code \(exitCode)"))
    }

    /// The orchestration container: the one the gateway's RunTask override named (echoed in
    /// `task.overrides`), else `prefect`, else the only or first container.
    package static func mainContainer(of task: JSONValue) -> JSONValue? {
        let containers = task["containers"]?.arrayValue ?? []
        let overridden = task["overrides"]?["containerOverrides"]?.arrayValue?.first?["name"]?.stringValue
        for name in [overridden, ECSSubmissionPlan.defaultContainerName].compactMap({ $0 }) {
            if let match = containers.first(where: { $0["name"]?.stringValue == name }) { return match }
        }
        return containers.first
    }
}
