/// One row of `SandboxListResponse.sandboxes = 1`: `SandboxInfo{id = 1, created_at = 3, task_info = 4:
/// TaskInfo{id = 1, started_at = 2, finished_at = 3, result = 4, enqueued_at = 5}, tags = 6, name = 7}`
/// (docs/provider-apis.md §5.3). Used to find a sandbox by its tags after a crash or an ALREADY_EXISTS.
package struct ModalSandboxInfo: Sendable, Equatable {
    package var id: String
    package var name: String
    package var tags: [String: String]
    package var taskID: String
    package var startedAt: Double
    package var result: ModalGenericResult?

    package init(
        id: String,
        name: String = "",
        tags: [String: String] = [:],
        taskID: String = "",
        startedAt: Double = 0,
        result: ModalGenericResult? = nil
    ) {
        self.id = id
        self.name = name
        self.tags = tags
        self.taskID = taskID
        self.startedAt = startedAt
        self.result = result
    }

    package init(_ message: ProtobufMessage) throws(ProtobufError) {
        id = try message.string(1) ?? ""
        name = try message.string(7) ?? ""
        var tags: [String: String] = [:]
        for tag in try message.messages(6) { tags[try tag.string(1) ?? ""] = try tag.string(2) ?? "" }
        self.tags = tags
        let task = try message.message(4)
        taskID = try task?.string(1) ?? ""
        startedAt = try task?.double(2) ?? 0
        result = try task?.message(4).map { m throws(ProtobufError) in try ModalGenericResult(m) }
    }
}
