import Foundation
import PushgateCore

/// Where a task's output is, when its orchestration container logs with `awslogs`: the group from the
/// container's `awslogs-group`, the stream `{awslogs-stream-prefix}/{container}/{task id}`
/// (docs/provider-apis.md §2.10), read with CloudWatch Logs `GetLogEvents`. Pure: the location, the
/// request bodies and the answer's reading; ``ECSProvider`` sends them.
package struct ECSLogStream: Sendable, Hashable {
    package var group: String
    package var stream: String

    package init(group: String, stream: String) {
        self.group = group
        self.stream = stream
    }

    package static let target = "Logs_20140328.GetLogEvents"
    package static let contentType = "application/x-amz-json-1.1"

    /// The stream of `handle`'s task under `plan`'s registered definition; nil without an awslogs
    /// configuration on the orchestration container (or with an existing definition, whose contents the
    /// plan does not hold) or a stream prefix, which awslogs needs to name a stream after the task.
    package static func locate(plan: ECSSubmissionPlan, handle: ProviderHandle) -> ECSLogStream? {
        guard let task = ECSTaskHandle(handle), let taskID = task.taskARN.split(separator: "/").last,
            let containers = plan.registration?["containerDefinitions"]?.arrayValue
        else { return nil }
        let name = plan.containerName ?? ECSSubmissionPlan.defaultContainerName
        guard let container = containers.first(where: { $0["name"]?.stringValue == name }),
            let logging = container["logConfiguration"], logging["logDriver"]?.stringValue == "awslogs",
            let group = logging["options"]?["awslogs-group"]?.stringValue,
            let prefix = logging["options"]?["awslogs-stream-prefix"]?.stringValue
        else { return nil }
        return ECSLogStream(group: group, stream: "\(prefix)/\(name)/\(taskID)")
    }

    /// The `GetLogEvents` body: the newest `maxLines` events for a tail, else from `offset` (an event
    /// timestamp in milliseconds) on, oldest first.
    package func request(_ query: ProviderLogQuery) -> JSONValue {
        var body: [String: JSONValue] = ["logGroupName": .string(group), "logStreamName": .string(stream)]
        if let offset = query.offset {
            body["startFromHead"] = true
            body["startTime"] = .int(Int64(offset))
            body["limit"] = 10_000
        } else {
            body["startFromHead"] = false
            body["limit"] = .int(Int64(min(max(query.maxLines ?? 200, 1), 10_000)))
        }
        return .object(body)
    }

    /// The answer's events as text, one message a line, at most `query.maxBytes`; offsets are event
    /// timestamps (ms), so following asks from the last one read plus one. Events of the same millisecond
    /// split across two reads would be lost: CloudWatch pages rarely split there.
    package static func chunk(_ answer: JSONValue, query: ProviderLogQuery) -> ProviderLogChunk {
        var text = ""
        var first: Int?
        var last: Int?
        for event in answer["events"]?.arrayValue ?? [] {
            guard let message = event["message"]?.stringValue, let time = event["timestamp"]?.intValue else { continue }
            let line = message.hasSuffix("\n") ? message : message + "\n"
            if text.utf8.count + line.utf8.count > query.maxBytes, first != nil { break }
            text += line
            first = first ?? Int(time)
            last = Int(time)
        }
        let start = first ?? query.offset ?? 0
        return ProviderLogChunk(text: text, start: start, next: last.map { $0 + 1 } ?? query.offset ?? 0, finished: false)
    }
}
