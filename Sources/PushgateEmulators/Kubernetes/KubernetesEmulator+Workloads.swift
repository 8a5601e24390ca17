import Foundation
import PushgateCore

/// How a fake Job and its one pod look at a moment (docs/provider-apis.md §10.6): the Job controller makes
/// the pod after ``KubernetesEmulatorConfiguration/podDelay``; the pod is Pending, then Running, then ends;
/// the Job's condition follows ``KubernetesEmulatorConfiguration/conditionLag`` later.
extension KubernetesEmulator {
    enum Outcome {
        case succeed, fail, deadline, imagePull, configError, unschedulable
        init(image: String) {
            if image.contains("imagepull") {
                self = .imagePull
            } else if image.contains("configerror") {
                self = .configError
            } else if image.contains("unschedulable") {
                self = .unschedulable
            } else if image.contains("deadline") {
                self = .deadline
            } else if image.contains("fail") {
                self = .fail
            } else {
                self = .succeed
            }
        }
        var starts: Bool { self == .succeed || self == .fail || self == .deadline }
    }

    struct Timeline {
        var hasPod: Bool
        var started: Bool
        var ended: Bool
        var conditionWritten: Bool
        var outcome: Outcome
    }

    func containerName(_ job: KubernetesEmulatorState.Job) -> String {
        job.body.member(at: "spec", "template", "spec", "containers")?.arrayValue?.first?["name"]?.stringValue ?? "job"
    }

    func podName(of job: KubernetesEmulatorState.Job) -> String {
        (job.body.member(at: "metadata", "name")?.stringValue ?? "job") + "-" + String(job.uid.prefix(5))
    }

    func timeline(_ job: KubernetesEmulatorState.Job, now: Date) -> Timeline {
        let image = job.body.member(at: "spec", "template", "spec", "containers")?.arrayValue?.first?["image"]?.stringValue ?? ""
        let outcome = Outcome(image: image)
        // A deletion stops the clock: the pod is being terminated.
        let elapsed = (job.deletion ?? now).timeIntervalSince(job.created)
        let c = configuration
        let started = outcome.starts && elapsed >= c.podDelay + c.pending
        let ended = started && elapsed >= c.podDelay + c.pending + c.running
        return Timeline(
            hasPod: elapsed >= c.podDelay && job.deletion.map { now.timeIntervalSince($0) < c.foregroundDeletion / 2 } ?? true,
            started: started,
            ended: ended,
            conditionWritten: ended && elapsed >= c.podDelay + c.pending + c.running + c.conditionLag,
            outcome: outcome
        )
    }

    static func timestamp(_ date: Date) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        return .string(formatter.string(from: date))
    }

    /// The Job as a GET returns it: the received body with server-set metadata and a status.
    func render(_ job: KubernetesEmulatorState.Job, now: Date) -> JSONValue {
        var body = job.body.objectValue ?? [:]
        var metadata = body["metadata"]?.objectValue ?? [:]
        metadata["uid"] = .string(job.uid)
        metadata["creationTimestamp"] = Self.timestamp(job.created)
        if let deletion = job.deletion { metadata["deletionTimestamp"] = Self.timestamp(deletion) }
        body["metadata"] = .object(metadata)
        let phase = timeline(job, now: now)
        var status: [String: JSONValue] = [:]
        if phase.hasPod { status["startTime"] = Self.timestamp(job.created.addingTimeInterval(configuration.podDelay)) }
        if phase.hasPod && !phase.conditionWritten { status["active"] = 1 }
        if phase.conditionWritten {
            switch phase.outcome {
            case .succeed:
                status["succeeded"] = 1
                status["conditions"] = [["type": "SuccessCriteriaMet", "status": "True"], ["type": "Complete", "status": "True"]]
            case .deadline:
                status["failed"] = 1
                status["conditions"] = [
                    ["type": "Failed", "status": "True", "reason": "DeadlineExceeded", "message": "Job was active longer than specified deadline"]
                ]
            default:
                status["failed"] = 1
                status["conditions"] = [
                    [
                        "type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded",
                        "message": "Job has reached the specified backoff limit",
                    ],
                    ["type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"],
                ]
            }
        }
        body["status"] = .object(status)
        return .object(body)
    }

    /// The Job's pod, or nil before the controller made it.
    func pod(of job: KubernetesEmulatorState.Job, now: Date) -> JSONValue? {
        let phase = timeline(job, now: now)
        guard phase.hasPod else { return nil }
        let jobName = job.body.member(at: "metadata", "name")?.stringValue ?? ""
        var labels = job.body.member(at: "spec", "template", "metadata", "labels")?.objectValue ?? [:]
        labels["job-name"] = .string(jobName)
        labels["batch.kubernetes.io/job-name"] = .string(jobName)
        labels["controller-uid"] = .string(job.uid)
        let image = job.body.member(at: "spec", "template", "spec", "containers")?.arrayValue?.first?["image"]?.stringValue ?? ""
        let elapsed = now.timeIntervalSince(job.created)
        var state: JSONValue
        var podPhase = "Pending"
        var conditions: [JSONValue] = []
        switch phase.outcome {
        case .imagePull:
            let backoff = elapsed > configuration.podDelay + configuration.pending
            state = [
                "waiting": [
                    "reason": .string(backoff ? "ImagePullBackOff" : "ErrImagePull"),
                    "message": .string("Back-off pulling image \"\(image)\""),
                ]
            ]
        case .configError:
            state = ["waiting": ["reason": "CreateContainerConfigError", "message": "secret \"missing\" not found"]]
        case .unschedulable:
            state = ["waiting": ["reason": "ContainerCreating"]]
            conditions = [
                [
                    "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                    "message": "0/3 nodes are available: 3 Insufficient cpu.",
                ]
            ]
        default:
            if phase.ended {
                let code: Int64 = phase.outcome == .succeed ? 0 : 1
                podPhase = code == 0 ? "Succeeded" : "Failed"
                state = ["terminated": ["exitCode": .int(code), "reason": .string(code == 0 ? "Completed" : "Error")]]
            } else if phase.started {
                podPhase = "Running"
                state = ["running": ["startedAt": Self.timestamp(job.created.addingTimeInterval(configuration.podDelay + configuration.pending))]]
            } else {
                state = ["waiting": ["reason": "ContainerCreating"]]
            }
        }
        var metadata: [String: JSONValue] = [
            "name": .string(podName(of: job)),
            "namespace": job.body.member(at: "metadata", "namespace") ?? "default",
            "labels": .object(labels),
            "creationTimestamp": Self.timestamp(job.created.addingTimeInterval(configuration.podDelay)),
        ]
        if let deletion = job.deletion { metadata["deletionTimestamp"] = Self.timestamp(deletion) }
        return [
            "kind": "Pod", "apiVersion": "v1",
            "metadata": .object(metadata),
            "status": [
                "phase": .string(podPhase),
                "conditions": .array(conditions),
                // name, image, imageID, ready and restartCount are required in a ContainerStatus (the
                // official clients refuse one without them); imageID stays empty until the image is pulled.
                "containerStatuses": [
                    [
                        "name": .string(containerName(job)), "image": .string(image), "state": state,
                        "imageID": .string(phase.started ? "docker.io/library/\(image)@sha256:\(String(repeating: "0", count: 64))" : ""),
                        "ready": .bool(podPhase == "Running"), "started": .bool(podPhase == "Running"), "restartCount": 0,
                    ]
                ],
            ],
        ]
    }
}
