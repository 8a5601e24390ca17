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

    /// The status of a task that DescribeTasks listed under `failures` (or did not mention at all, as moto
    /// does for unknown ARNs: `reason` nil).
    package static func status(
        failureReason reason: String?,
        target: PollTarget,
        grace: TimeInterval = missingGraceWindow
    ) -> ProviderStatus {
        let label = reason ?? "MISSING"
        if label == "MISSING" && target.now.timeIntervalSince(target.submittedAt) < grace {
            return ProviderStatus(.pending, reason: "MISSING (ECS is eventually consistent; within the \(Int(grace)) s grace window)")
        }
        if target.cancelRequested && label == "MISSING" {
            return ProviderStatus(.cancelled, reason: "task no longer reported (MISSING) after a cancel request")
        }
        return ProviderStatus(.crashed, reason: "task lost: DescribeTasks reports \(label)")
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
