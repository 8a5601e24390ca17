import Foundation
import PushgateCore

extension ModalProvider {
    /// Header telling a reader that a dry-run body is the gRPC frame in hex; dry-run output only, never sent.
    package static let dryRunBodyHeader = "x-pushgate-dry-run-body"

    /// The calls a submission makes when no sandbox of this key exists yet: AuthTokenGet, AppGetOrCreate,
    /// SandboxList (adopt check), ImageGetOrCreate, SecretGetOrCreate per secret name and for env,
    /// SandboxCreate. Sends nothing.
    ///
    /// gRPC bodies are binary, so each `body` holds the **lower-case hex text of the whole gRPC frame**
    /// (5-byte prefix + protobuf) and the request carries `x-pushgate-dry-run-body: hex` to say so. Ids only
    /// known at run time are written as `<app_id>`, `<image_id>`, `<secret_id:NAME>`, `<env_secret_id>`;
    /// env values with a secret name (``SecretName``) or holding a configured secret are `<redacted>` inside the encoded message, as are the token secret and auth token headers.
    /// ImageJoinStreaming is left out: it is only called while Modal builds the image.
    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        let spec = try spec(job)
        let key = job.idempotencyKey
        let appID = "<app_id>"
        var calls: [(ModalRPC, [UInt8], String)] = [
            (.authTokenGet, ModalMessages.authTokenGet(), "\(key)/AuthTokenGet"),
            (
                .appGetOrCreate,
                ModalMessages.appGetOrCreate(
                    appName: spec.appName,
                    environmentName: spec.environmentName,
                    creationType: ModalMessages.ObjectCreationType.createIfMissing
                ), "\(key)/app/true"
            ),
            (
                .sandboxList,
                ModalMessages.sandboxList(appID: appID, tags: [ModalSandboxSpec.idempotencyTag: key], includeFinished: true),
                "\(key)/SandboxList"
            ),
            (
                .imageGetOrCreate,
                ModalMessages.imageGetOrCreate(dockerfileCommands: spec.dockerfileCommands, appID: appID, builderVersion: builderVersion),
                "\(key)/image"
            ),
        ]
        var secretIDs: [String] = []
        for name in spec.secretNames {
            calls.append((.secretGetOrCreate, ModalMessages.secretLookUp(name: name, environmentName: spec.environmentName), "\(key)/secret/\(name)"))
            secretIDs.append("<secret_id:\(name)>")
        }
        if !spec.env.isEmpty {
            let redactedEnv = Dictionary(
                uniqueKeysWithValues: spec.env.map { name, value in
                    (name, DryRunRedaction.environmentValue(name: name, value: value, secretValues: job.secretValues))
                }
            )
            calls.append(
                (
                    .secretGetOrCreate, ModalMessages.ephemeralSecret(env: redactedEnv, appID: appID, environmentName: spec.environmentName),
                    "\(key)/env"
                )
            )
            secretIDs.append("<env_secret_id>")
        }
        calls.append(
            (
                .sandboxCreate, ModalMessages.sandboxCreate(spec: spec, appID: appID, imageID: "<image_id>", secretIDs: secretIDs),
                "\(key)/SandboxCreate"
            )
        )

        return calls.map { rpc, message, name in
            var request = ModalGRPCClient.redacted(
                ModalGRPCClient.request(
                    serverURL: client.serverURL,
                    rpc: rpc,
                    message: message,
                    credentials: client.credentials,
                    authToken: "<redacted>",
                    idempotencyKey: ModalGRPCClient.uuid(forName: name),
                    attempt: ModalGRPCClient.Attempt(),
                    timeout: client.callTimeout
                )
            )
            request.body = Data(request.body.map { String(format: "%02x", $0) }.joined().utf8)
            request.headers.add(ModalProvider.dryRunBodyHeader, "hex")
            return request
        }
    }
}
