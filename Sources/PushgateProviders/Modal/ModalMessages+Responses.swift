/// Decoders of the response fields pushgate reads (docs/provider-apis.md §5.3); everything else is skipped.
extension ModalMessages {
    /// `AuthTokenGetResponse.token = 1`.
    package static func authToken(_ message: ProtobufMessage) throws(ProtobufError) -> String { try message.string(1) ?? "" }

    /// `app_id = 1` (AppGetOrCreate), `secret_id = 1` (SecretGetOrCreate), `sandbox_id = 1` (SandboxCreate),
    /// `image_id = 1` (ImageGetOrCreate): the first field of every get-or-create response.
    package static func objectID(_ message: ProtobufMessage) throws(ProtobufError) -> String { try message.string(1) ?? "" }

    /// `ImageGetOrCreateResponse.result = 2`: nil or UNSPECIFIED while the image is still building.
    package static func imageResult(_ message: ProtobufMessage) throws(ProtobufError) -> ModalGenericResult? {
        try message.message(2).map { m throws(ProtobufError) in try ModalGenericResult(m) }
    }

    /// `ImageJoinStreamingResponse{result = 1, entry_id = 3}`. Assumption: these numbers (§5.3 names the
    /// message's `result` but not its field number); `task_logs = 2` and `eof = 4` are skipped.
    package static func imageJoinEntry(_ message: ProtobufMessage) throws(ProtobufError) -> (result: ModalGenericResult?, entryID: String) {
        let result = try message.message(1).map { m throws(ProtobufError) in try ModalGenericResult(m) }
        return (result, try message.string(3) ?? "")
    }

    /// `SandboxListResponse.sandboxes = 1`.
    package static func sandboxes(_ message: ProtobufMessage) throws(ProtobufError) -> [ModalSandboxInfo] {
        var result: [ModalSandboxInfo] = []
        for info in try message.messages(1) { result.append(try ModalSandboxInfo(info)) }
        return result
    }

    /// `SandboxWaitResponse.result = 1` and `SandboxTerminateResponse.existing_result = 1`.
    package static func sandboxResult(_ message: ProtobufMessage) throws(ProtobufError) -> ModalGenericResult? {
        try message.message(1).map { m throws(ProtobufError) in try ModalGenericResult(m) }
    }

    /// `SandboxGetTaskIdResponse{task_id = 1, task_result = 2}`.
    package static func sandboxTask(_ message: ProtobufMessage) throws(ProtobufError) -> (taskID: String?, result: ModalGenericResult?) {
        let result = try message.message(2).map { m throws(ProtobufError) in try ModalGenericResult(m) }
        let taskID = try message.string(1)
        return (taskID.flatMap { $0.isEmpty ? nil : $0 }, result)
    }
}
