import Foundation
import PushgateCore

extension ModalProvider {
    /// SandboxWait (timeout 0) per sandbox, then SandboxGetTaskId for those without a result, mapped by
    /// ``ModalStatusMapping``; a sandbox they answer NOT_FOUND for is looked up by its tag
    /// (``statusOfUnfoundSandbox(_:)``); at most ``pollConcurrency`` sandboxes at once. A sandbox whose calls fail is
    /// left out (the poller asks again next round); if every one fails, the first error is thrown.
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var statuses: [ProviderHandle: ProviderStatus] = [:]
        var firstError: (any Error)?
        var index = 0
        while index < targets.count {
            let batch = targets[index..<min(targets.count, index + pollConcurrency)]
            index += batch.count
            try await withThrowingTaskGroup(of: (ProviderHandle, Result<ProviderStatus, any Error>).self) { group in
                for target in batch {
                    group.addTask {
                        do {
                            return (target.handle, .success(try await status(of: target)))
                        } catch {
                            return (target.handle, .failure(error))
                        }
                    }
                }
                for try await (handle, outcome) in group {
                    switch outcome {
                    case .success(let status): statuses[handle] = status
                    case .failure(let error): if firstError == nil { firstError = error }
                    }
                }
            }
        }
        if statuses.isEmpty, let firstError { throw firstError }
        return statuses
    }

    func status(of target: PollTarget) async throws -> ProviderStatus {
        let sandboxID = target.handle.value
        do {
            let wait = try await client.unary(.sandboxWait, ModalMessages.sandboxWait(sandboxID: sandboxID, timeout: 0), timeout: 10)
            let result = try client.decode(.sandboxWait) { () throws(ProtobufError) in try ModalMessages.sandboxResult(wait) }
            if let result, result.isFinished {
                return ModalStatusMapping.status(result: result, taskStarted: true, cancelRequested: target.cancelRequested)
            }
            let task = try await client.unary(.sandboxGetTaskId, ModalMessages.sandboxGetTaskID(sandboxID: sandboxID), timeout: 10)
            let (taskID, taskResult) = try client.decode(.sandboxGetTaskId) { () throws(ProtobufError) in try ModalMessages.sandboxTask(task) }
            return ModalStatusMapping.status(result: taskResult, taskStarted: taskID != nil, cancelRequested: target.cancelRequested)
        } catch let error as ProviderError where error.code == .notFound {
            // One NOT_FOUND is no proof that the sandbox ended (docs/provider-apis.md §5.3 "Poll").
            return try await statusOfUnfoundSandbox(target)
        }
    }
}
