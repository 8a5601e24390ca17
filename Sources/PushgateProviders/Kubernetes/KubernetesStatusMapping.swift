import Foundation
import PushgateCore

/// Maps a Job and its pods to a run state (docs/provider-apis.md §10.3). Pure: the time, when the Job was
/// submitted, the pod watch timeout and whether the gateway asked to cancel are inputs. The Job's conditions
/// decide the end; pods only show a start that cannot happen (an image that cannot be pulled, a missing
/// secret, no node to schedule on past the timeout), since Job status lags its pods.
package enum KubernetesStatusMapping {
    /// Container waiting reasons after which the container will not start without someone changing something.
    package static let crashReasons: Set<String> = [
        "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "InvalidImageName", "CreateContainerError",
    ]

    package static func status(
        job: JSONValue,
        pods: [JSONValue],
        cancelRequested: Bool,
        submittedAt: Date,
        now: Date,
        podWatchTimeout: TimeInterval
    ) -> ProviderStatus {
        let exitCode = pods.lazy.compactMap(exitCode(of:)).first
        for condition in job.member(at: "status", "conditions")?.arrayValue ?? [] where condition["status"]?.stringValue == "True" {
            let reason = condition.nonEmptyString("reason")
            let message = condition.nonEmptyString("message")
            let text = [reason, message].compactMap { $0 }.joined(separator: ": ")
            switch condition["type"]?.stringValue {
            case "Complete"?, "SuccessCriteriaMet"?:
                return ProviderStatus(.completed, exitCode: exitCode ?? 0)
            case "Failed"?, "FailureTarget"?:
                if cancelRequested { return ProviderStatus(.cancelled, exitCode: exitCode, reason: "stopped by the gateway on cancellation") }
                return ProviderStatus(.failed, exitCode: exitCode, reason: text.isEmpty ? "the Job failed" : text)
            default: break
            }
        }
        if cancelRequested, job.member(at: "metadata", "deletionTimestamp") != nil {
            return ProviderStatus(.running, reason: "the Job is being deleted; waiting for its pods to go")
        }
        for pod in pods {
            let podName = pod.member(at: "metadata", "name")?.stringValue ?? "?"
            for container in pod.member(at: "status", "containerStatuses")?.arrayValue ?? [] {
                guard let waiting = container.member(at: "state", "waiting"), let reason = waiting.nonEmptyString("reason"),
                    crashReasons.contains(reason)
                else { continue }
                let detail = waiting.nonEmptyString("message").map { ": \($0)" } ?? ""
                return ProviderStatus(.crashed, reason: "pod \(podName): \(reason)\(detail)")
            }
        }
        let waited = now.timeIntervalSince(submittedAt)
        if pods.contains(where: { $0.member(at: "status", "phase")?.stringValue == "Running" })
            || (job.member(at: "status", "active")?.intValue ?? 0) > 0 && pods.contains(where: isStarted)
        {
            return ProviderStatus(.running)
        }
        if pods.contains(where: { ["Succeeded", "Failed"].contains($0.member(at: "status", "phase")?.stringValue ?? "") }) {
            // The pod ended but the Job's condition has not been written yet: keep the slot until it is.
            return ProviderStatus(.running, reason: "the pod ended; waiting for the Job's condition")
        }
        if waited > podWatchTimeout {
            if let unschedulable = pods.lazy.compactMap(unschedulableMessage).first {
                return ProviderStatus(.crashed, reason: "no pod scheduled within \(Int(podWatchTimeout)) s: \(unschedulable)")
            }
            if pods.isEmpty {
                return ProviderStatus(.crashed, reason: "the Job created no pod within \(Int(podWatchTimeout)) s (pod_watch_timeout_seconds)")
            }
        }
        return ProviderStatus(.pending)
    }

    /// The Job is gone (deleted outside the gateway, by its TTL, or after the gateway's cancel).
    package static func missing(cancelRequested: Bool) -> ProviderStatus {
        cancelRequested
            ? ProviderStatus(.cancelled, reason: "the Job and its pods were deleted after the cancellation")
            : ProviderStatus(.crashed, reason: "the Job no longer exists in the cluster (deleted outside the gateway before it was seen to finish)")
    }

    static func exitCode(of pod: JSONValue) -> Int? {
        for container in pod.member(at: "status", "containerStatuses")?.arrayValue ?? [] {
            if let code = container.member(at: "state", "terminated", "exitCode")?.intValue { return Int(code) }
        }
        return nil
    }

    static func isStarted(_ pod: JSONValue) -> Bool {
        (pod.member(at: "status", "containerStatuses")?.arrayValue ?? []).contains { $0.member(at: "state", "running") != nil }
    }

    static func unschedulableMessage(_ pod: JSONValue) -> String? {
        for condition in pod.member(at: "status", "conditions")?.arrayValue ?? []
        where condition["type"]?.stringValue == "PodScheduled" && condition["status"]?.stringValue == "False"
            && condition["reason"]?.stringValue == "Unschedulable"
        {
            return condition.nonEmptyString("message") ?? "Unschedulable"
        }
        return nil
    }
}
