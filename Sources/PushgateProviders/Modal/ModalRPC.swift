/// The `modal.client.ModalClient` methods pushgate calls (docs/provider-apis.md §5.3, §5.7). Each is a POST to
/// `{server}/modal.client.ModalClient/<Method>` with one gRPC frame as the body.
package enum ModalRPC: String, Sendable, CaseIterable {
    case authTokenGet = "AuthTokenGet"
    case appGetOrCreate = "AppGetOrCreate"
    case imageGetOrCreate = "ImageGetOrCreate"
    case imageJoinStreaming = "ImageJoinStreaming"
    case secretGetOrCreate = "SecretGetOrCreate"
    case sandboxCreate = "SandboxCreate"
    case sandboxList = "SandboxList"
    case sandboxWait = "SandboxWait"
    case sandboxGetTaskId = "SandboxGetTaskId"
    case sandboxTerminate = "SandboxTerminate"

    package static let service = "modal.client.ModalClient"

    /// `/modal.client.ModalClient/<Method>`.
    package var path: String { "/\(ModalRPC.service)/\(rawValue)" }

    /// Whether a retry after an ambiguous failure is harmless. Every call here is: the get-or-creates
    /// return the existing object, terminate is a no-op the second time, and SandboxCreate carries a
    /// unique sandbox `name`, so a duplicate fails ALREADY_EXISTS and is adopted (docs/provider-apis.md §1.3).
    /// An ephemeral env secret created twice is garbage the server collects with the app.
    package var isIdempotent: Bool { true }
}
