import Foundation
import PushgateCore

extension ModalProvider {
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        let key = job.idempotencyKey
        let appID = try await appID(spec, creating: true, key: key)
        guard let appID else { throw ProviderError(.rejected, "Modal AppGetOrCreate: no app id for '\(spec.appName)'") }
        // A sandbox of this key may exist from an earlier attempt whose reply was lost; adopt it
        // (docs/provider-apis.md §1.3).
        if let existing = try await findSandbox(spec, appID: appID, key: key) { return existing }

        let imageID = try await imageID(spec, appID: appID, key: key)
        var secretIDs: [String] = []
        for name in spec.secretNames {
            let reply = try await client.unary(
                .secretGetOrCreate,
                ModalMessages.secretLookUp(name: name, environmentName: spec.environmentName),
                idempotencyKey: ModalGRPCClient.uuid(forName: "\(key)/secret/\(name)")
            )
            secretIDs.append(try client.decode(.secretGetOrCreate) { () throws(ProtobufError) in try ModalMessages.objectID(reply) })
        }
        if !spec.env.isEmpty {
            let reply = try await client.unary(
                .secretGetOrCreate,
                ModalMessages.ephemeralSecret(env: spec.env, appID: appID, environmentName: spec.environmentName),
                idempotencyKey: ModalGRPCClient.uuid(forName: "\(key)/env")
            )
            secretIDs.append(try client.decode(.secretGetOrCreate) { () throws(ProtobufError) in try ModalMessages.objectID(reply) })
        }

        let create = ModalMessages.sandboxCreate(spec: spec, appID: appID, imageID: imageID, secretIDs: secretIDs)
        do {
            let reply = try await client.unary(
                .sandboxCreate,
                create,
                idempotencyKey: ModalGRPCClient.uuid(forName: "\(key)/SandboxCreate")
            )
            let id = try client.decode(.sandboxCreate) { () throws(ProtobufError) in try ModalMessages.objectID(reply) }
            guard !id.isEmpty else { throw ProviderError(.ambiguous, "Modal SandboxCreate: the reply has no sandbox id") }
            return ProviderHandle(id)
        } catch let error as ProviderError where error.code == .conflict || error.code == .unavailable || error.code == .ambiguous {
            // ALREADY_EXISTS: the name is taken by our own earlier create. UNAVAILABLE/INTERNAL/timeouts after
            // the retries: the create may have happened. Either way, look the name up before anything else.
            if let existing = try await findSandbox(spec, appID: appID, key: key) { return existing }
            if error.code == .conflict { throw error }
            var ambiguous = error
            ambiguous.code = .ambiguous
            throw ambiguous
        }
    }

    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let spec = try spec(job)
        guard let appID = try await appID(spec, creating: false, key: job.idempotencyKey) else { return nil }
        return try await findSandbox(spec, appID: appID, key: job.idempotencyKey)
    }

    /// AppGetOrCreate; with `creating == false` a look-up only (UNSPECIFIED creation type), nil on NOT_FOUND.
    func appID(_ spec: ModalSandboxSpec, creating: Bool, key: String) async throws -> String? {
        let message = ModalMessages.appGetOrCreate(
            appName: spec.appName,
            environmentName: spec.environmentName,
            creationType: creating ? ModalMessages.ObjectCreationType.createIfMissing : ModalMessages.ObjectCreationType.lookUp
        )
        do {
            let reply = try await client.unary(
                .appGetOrCreate,
                message,
                idempotencyKey: ModalGRPCClient.uuid(forName: "\(key)/app/\(creating)")
            )
            let id = try client.decode(.appGetOrCreate) { () throws(ProtobufError) in try ModalMessages.objectID(reply) }
            return id.isEmpty ? nil : id
        } catch let error as ProviderError where error.code == .notFound && !creating {
            return nil
        }
    }

    /// The sandbox carrying this key's tag (and name), finished ones included.
    func findSandbox(_ spec: ModalSandboxSpec, appID: String, key: String) async throws -> ProviderHandle? {
        let reply = try await client.unary(
            .sandboxList,
            ModalMessages.sandboxList(appID: appID, tags: [ModalSandboxSpec.idempotencyTag: key], includeFinished: true)
        )
        let sandboxes = try client.decode(.sandboxList) { () throws(ProtobufError) in try ModalMessages.sandboxes(reply) }
        let match = sandboxes.first { $0.name == spec.sandboxName || $0.tags[ModalSandboxSpec.idempotencyTag] == key }
        return match.map { ProviderHandle($0.id) }
    }

    /// ImageGetOrCreate, then ImageJoinStreaming while the build runs (docs/provider-apis.md §5.3 step 2); a
    /// failed build is `rejected` with Modal's reason.
    func imageID(_ spec: ModalSandboxSpec, appID: String, key: String) async throws -> String {
        let reply = try await client.unary(
            .imageGetOrCreate,
            ModalMessages.imageGetOrCreate(dockerfileCommands: spec.dockerfileCommands, appID: appID, builderVersion: builderVersion),
            idempotencyKey: ModalGRPCClient.uuid(forName: "\(key)/image")
        )
        let (imageID, firstResult) = try client.decode(.imageGetOrCreate) { () throws(ProtobufError) in
            (try ModalMessages.objectID(reply), try ModalMessages.imageResult(reply))
        }
        guard !imageID.isEmpty else { throw ProviderError(.rejected, "Modal ImageGetOrCreate: the reply has no image id") }
        var result = firstResult
        var lastEntryID = ""
        let deadline = client.clock.now().addingTimeInterval(imageBuildTimeout)
        while !(result?.isFinished ?? false) {
            guard client.clock.now() < deadline else {
                throw ProviderError(.unavailable, "Modal image \(imageID) for '\(spec.image)' still building after \(Int(imageBuildTimeout)) s")
            }
            let wait = Float(min(55, max(1, deadline.timeIntervalSince(client.clock.now()))))
            let entries = try await client.call(
                .imageJoinStreaming,
                ModalMessages.imageJoinStreaming(imageID: imageID, timeout: wait, lastEntryID: lastEntryID),
                timeout: TimeInterval(wait) + 5
            )
            for entry in entries {
                let (entryResult, entryID) = try client.decode(.imageJoinStreaming) { () throws(ProtobufError) in
                    try ModalMessages.imageJoinEntry(entry)
                }
                if !entryID.isEmpty { lastEntryID = entryID }
                if let entryResult, entryResult.isFinished { result = entryResult }
            }
        }
        guard let result, result.status == ModalGenericResult.Status.success else {
            let status = ModalGenericResult.Status.name(of: result?.status ?? 0)
            let detail = result.map { $0.exception.isEmpty ? "" : ": \($0.exception.prefix(300))" } ?? ""
            throw ProviderError(.rejected, "Modal image build for '\(spec.image)' failed (\(status))\(detail)", providerCode: status)
        }
        return imageID
    }
}
