import Foundation
import PushgateCore

/// The container groups a ``ContainerInstancesEmulator`` holds and their ARM JSON (docs/provider-apis.md
/// §4.2, §4.3): provisioningState Pending/Creating → Succeeded (or Failed), container Waiting → Running →
/// Terminated(exitCode), group Stopped after a stop. `secureValue`s are never echoed.
struct ContainerInstancesEmulatorState {
    struct Group {
        var resourceID: String
        var name: String
        var resourceGroup: String
        var body: JSONValue
        var location: String
        var createTime: Date
        var outcome: WorkloadOutcome
        var reads = 0
        var stoppedAt: Date?
        var startTime: Date?
        var finishTime: Date?
        /// GETs of the group, 404 answers given for it, and when the first one was
        /// (``ContainerInstancesEmulatorConfiguration/NotFoundWindow``).
        var gets = 0
        var notFoundAnswers = 0
        var notFoundSince: Date?
        var notFoundClosed = false
    }

    var groups: [String: Group] = [:]
    /// Groups whose containers have not ended, for the peak-concurrency statistic.
    var live: Set<String> = []
    /// Stale 404s given to resource-group GETs (``ContainerInstancesEmulatorConfiguration/resourceGroupNotFoundReads``).
    var resourceGroupNotFoundGiven = 0
    var statistics = ContainerInstancesEmulatorStatistics()

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Moves a group on by one read (or by the clock, for timed pacing).
    mutating func observe(_ key: String, pacing: WorkloadPacing, now: Date) {
        guard var group = groups[key] else { return }
        group.reads += 1
        if group.stoppedAt == nil, group.finishTime == nil, group.outcome != .crash {
            switch pacing.phase(reads: group.reads, elapsed: now.timeIntervalSince(group.createTime)) {
            case .pending: break
            case .running: if group.startTime == nil { group.startTime = now }
            case .finished:
                if group.startTime == nil { group.startTime = now }
                group.finishTime = now
            }
        }
        groups[key] = group
    }

    /// Whether the group's containers still run or are about to: not terminated, stopped or failed to
    /// provision (on timed pacing, by the clock even when nobody has read it since).
    func isLive(_ group: Group, pacing: WorkloadPacing, now: Date) -> Bool {
        if group.stoppedAt != nil || group.finishTime != nil || group.outcome == .crash { return false }
        if case .timed = pacing { return pacing.phase(reads: group.reads, elapsed: now.timeIntervalSince(group.createTime)) != .finished }
        return true
    }

    /// Adds a just-created group to the live set, drops the ones that ended, and raises the peak. The live
    /// count only grows at a create, so measuring here finds the peak.
    mutating func noteCreated(_ key: String, pacing: WorkloadPacing, now: Date) {
        live = live.filter { groups[$0].map { isLive($0, pacing: pacing, now: now) } ?? false }
        live.insert(key)
        statistics.peakConcurrentGroups = max(statistics.peakConcurrentGroups, live.count)
    }

    /// The group as ARM returns it; `created` is the PUT answer (no instance view yet), `listed` an entry of
    /// the resource group's listing (provisioning state, but no instance view: docs/provider-apis.md §4.1).
    func json(_ group: Group, created: Bool = false, listed: Bool = false) -> JSONValue {
        var object = group.body.objectValue ?? [:]
        object["id"] = .string(group.resourceID)
        object["name"] = .string(group.name)
        object["type"] = "Microsoft.ContainerInstance/containerGroups"
        object["location"] = .string(group.location)
        var properties = object["properties"]?.objectValue ?? [:]
        if properties["sku"] == nil { properties["sku"] = "Standard" }
        let containers = (properties["containers"]?.arrayValue ?? []).map { container -> JSONValue in
            var item = container.objectValue ?? [:]
            var containerProperties = item["properties"]?.objectValue ?? [:]
            if let variables = containerProperties["environmentVariables"]?.arrayValue {
                containerProperties["environmentVariables"] = .array(
                    variables.map { variable in
                        var copy = variable.objectValue ?? [:]
                        copy["secureValue"] = nil
                        return .object(copy)
                    }
                )
            }
            if !created && !listed { containerProperties["instanceView"] = containerView(group) }
            item["properties"] = .object(containerProperties)
            return .object(item)
        }
        properties["containers"] = .array(containers)
        if created {
            properties["provisioningState"] = "Pending"
        } else if listed {
            properties["provisioningState"] = .string(groupView(group).0)
        } else {
            let (provisioning, state, events) = groupView(group)
            properties["provisioningState"] = .string(provisioning)
            properties["instanceView"] = ["state": .string(state), "events": .array(events)]
        }
        object["properties"] = .object(properties)
        return .object(object)
    }

    private func groupView(_ group: Group) -> (String, String, [JSONValue]) {
        if group.outcome == .crash {
            let image = firstImage(group)
            return (
                "Failed", "Pending",
                [
                    [
                        "name": "Failed", "type": "Warning", "count": 1,
                        "message": .string("Failed to pull image \"\(image)\": the image is not accessible."),
                    ]
                ]
            )
        }
        if group.stoppedAt != nil { return ("Succeeded", "Stopped", []) }
        if group.finishTime != nil {
            return ("Succeeded", group.outcome == .exit(0) ? "Succeeded" : "Failed", [])
        }
        if group.startTime != nil { return ("Succeeded", "Running", []) }
        return (group.reads <= 1 ? "Pending" : "Creating", "Pending", [])
    }

    private func containerView(_ group: Group) -> JSONValue {
        var current: [String: JSONValue]
        if let stoppedAt = group.stoppedAt {
            current = ["state": "Terminated", "exitCode": 137, "detailStatus": "Killed", "finishTime": .string(Self.timestamp(stoppedAt))]
        } else if let finish = group.finishTime, case .exit(let code) = group.outcome {
            current = [
                "state": "Terminated", "exitCode": .int(Int64(code)), "detailStatus": code == 0 ? "Completed" : "Error",
                "finishTime": .string(Self.timestamp(finish)),
            ]
        } else if group.startTime != nil {
            current = ["state": "Running", "detailStatus": ""]
        } else {
            current = ["state": "Waiting", "detailStatus": group.outcome == .crash ? "ImagePullBackOff" : "ContainerCreating"]
        }
        if let start = group.startTime { current["startTime"] = .string(Self.timestamp(start)) }
        var events: [JSONValue] = [["name": "Pulling", "type": "Normal", "count": 1]]
        if group.startTime != nil {
            events += [["name": "Pulled", "type": "Normal", "count": 1], ["name": "Started", "type": "Normal", "count": 1]]
        }
        if group.stoppedAt != nil { events.append(["name": "Killing", "type": "Normal", "count": 1]) }
        return ["restartCount": 0, "currentState": .object(current), "events": .array(events)]
    }

    func firstImage(_ group: Group) -> String {
        group.body.member(at: "properties")?["containers"]?.arrayValue?.first?.member(at: "properties", "image")?.stringValue ?? ""
    }
}
