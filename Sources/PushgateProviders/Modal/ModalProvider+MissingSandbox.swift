import Foundation
import PushgateCore

extension ModalProvider {
    /// The status of a sandbox SandboxWait or SandboxGetTaskId answered NOT_FOUND for, looked up another way
    /// (docs/provider-apis.md §5.3 "Poll"): SandboxList in the run's app by its idempotency tag, finished
    /// sandboxes included, mapped with ``ModalStatusMapping/status(listed:cancelRequested:)``. A sandbox the
    /// list does not show either ends the run only once its lifetime (`timeout_secs`, plus
    /// ``lostSandboxMargin``) has passed since submission
    /// (``ModalStatusMapping/unlisted(sandboxID:age:lifetime:cancelRequested:)``). A look-up that fails
    /// answers Unconfirmed; only cancellation is thrown.
    func statusOfUnfoundSandbox(_ target: PollTarget) async throws -> ProviderStatus {
        let sandboxID = target.handle.value
        let key = target.job.idempotencyKey
        let spec: ModalSandboxSpec
        var listed: [ModalSandboxInfo] = []
        do {
            spec = try self.spec(target.job)
            if let appID = try await appID(spec, creating: false, key: key) {
                let reply = try await client.unary(
                    .sandboxList,
                    ModalMessages.sandboxList(appID: appID, tags: [ModalSandboxSpec.idempotencyTag: key], includeFinished: true)
                )
                listed = try client.decode(.sandboxList) { () throws(ProtobufError) in try ModalMessages.sandboxes(reply) }
            }
        } catch let error as ProviderError {
            return ProviderStatus(
                .unconfirmed,
                reason: "Modal answers NOT_FOUND for sandbox \(sandboxID) and the look-up by tag failed: \(error.message)"
            )
        }
        if let info = listed.first(where: { $0.id == sandboxID }) ?? listed.first(where: { $0.tags[ModalSandboxSpec.idempotencyTag] == key }) {
            return ModalStatusMapping.status(listed: info, cancelRequested: target.cancelRequested)
        }
        let lifetime = spec.timeoutSeconds.map(TimeInterval.init) ?? ModalStatusMapping.defaultSandboxLifetime
        return ModalStatusMapping.unlisted(
            sandboxID: sandboxID,
            age: target.now.timeIntervalSince(target.submittedAt),
            lifetime: lifetime + lostSandboxMargin,
            cancelRequested: target.cancelRequested
        )
    }
}
