import Foundation
import PushgateCore

/// **Experimental, opt-in.** Runs a job as a Modal Sandbox (an arbitrary registry image + command) by
/// speaking Modal's gRPC API directly (docs/provider-apis.md §5). Modal does not support third-party gRPC
/// clients and may change fields without notice (§5.1, §5.7 "Risk"): the field numbers are pinned in
/// ``ModalMessages`` and checked against a fake server in the tests.
///
/// - submit: AppGetOrCreate → SandboxList by tag (adopt an earlier sandbox of this key) → ImageGetOrCreate
///   (+ ImageJoinStreaming while it builds) → SecretGetOrCreate per secret name and one ephemeral env secret
///   → SandboxCreate with `name` derived from the idempotency key; ALREADY_EXISTS or an ambiguous failure
///   is resolved by looking the name up (§1.3). The handle is the sandbox id.
/// - poll: SandboxWait with timeout 0, then SandboxGetTaskId to tell Pending from Running (§5.3); a NOT_FOUND
///   is looked up by tag with SandboxList, and is Unconfirmed until the sandbox's lifetime has passed.
/// - cancel: SandboxTerminate. cleanUp: nothing; a sandbox ends at exit or `timeout_secs` and the app is
///   kept for the next run (§5.3 step 8).
package struct ModalProvider: Provider {
    package static let defaultServerURL = "https://api.modal.com"
    /// `ImageGetOrCreate.builder_version` when none is configured. §5.3 takes it from EnvironmentGetOrCreate
    /// (`image_builder_version`) or `MODAL_IMAGE_BUILDER_VERSION`; pushgate asks for it to be configured
    /// instead of making one more call per submission.
    package static let defaultBuilderVersion = "2024.10"

    package let kind = ProviderKind.modal
    package let client: ModalGRPCClient
    package let builderVersion: String
    /// Longest wait for an image build in one submission.
    package let imageBuildTimeout: TimeInterval
    /// Sandboxes polled at once.
    package let pollConcurrency: Int
    /// The profile's `environment`, used when the job's `environment_name` is empty (§5.2 `MODAL_ENVIRONMENT`).
    package let defaultEnvironmentName: String?
    /// The workspace the calls count against, for pacing: the credentials profile (one token, one workspace).
    package let workspace: String
    /// Added to a sandbox's lifetime before a sandbox Modal no longer knows counts as ended: time it may have
    /// waited for capacity before its lifetime started (docs/provider-apis.md §5.3 "Poll").
    package let lostSandboxMargin: TimeInterval

    package init(
        client: ModalGRPCClient,
        builderVersion: String = ModalProvider.defaultBuilderVersion,
        imageBuildTimeout: TimeInterval = 900,
        pollConcurrency: Int = 8,
        defaultEnvironmentName: String? = nil,
        workspace: String = "default",
        lostSandboxMargin: TimeInterval = 300
    ) {
        self.client = client
        self.builderVersion = builderVersion
        self.imageBuildTimeout = imageBuildTimeout
        self.pollConcurrency = max(1, pollConcurrency)
        self.defaultEnvironmentName = defaultEnvironmentName
        self.workspace = workspace
        self.lostSandboxMargin = max(0, lostSandboxMargin)
    }

    /// A provider for a `[modal NAME]` credentials profile; `server_url` overrides `https://api.modal.com`.
    package init(profile: ModalProfile, http: any HTTPClient, clock: any WallClock = SystemClock()) {
        self.init(
            client: ModalGRPCClient(
                serverURL: profile.serverURL ?? ModalProvider.defaultServerURL,
                credentials: profile.credentials,
                http: http,
                clock: clock
            ),
            defaultEnvironmentName: profile.environment,
            workspace: "profile " + profile.name
        )
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        ModalSandboxSpec.parse(job).problems
    }

    /// The checked spec, or `invalidConfiguration` naming every bad field.
    func spec(_ job: SubmissionJob) throws -> ModalSandboxSpec {
        let parsed = ModalSandboxSpec.parse(job)
        guard var spec = parsed.spec else {
            throw ProviderError(.invalidConfiguration, parsed.problems.map(\.description).joined(separator: "; "))
        }
        if spec.environmentName.isEmpty, let fallback = defaultEnvironmentName { spec.environmentName = fallback }
        return spec
    }

    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        do {
            _ = try await client.unary(.sandboxTerminate, ModalMessages.sandboxTerminate(sandboxID: handle.value))
        } catch let error as ProviderError where error.code == .notFound {
            return  // already gone: nothing left to stop
        }
    }

    /// Nothing to remove: a sandbox ends at exit or at `timeout_secs`, and the app is shared by later runs
    /// (docs/provider-apis.md §5.3 step 8).
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {}
}
