import Foundation
import PushgateCore

extension ProviderKind {
    package static let modal = ProviderKind(rawValue: "modal:push")
}

extension ProviderRegistration {
    /// Modal (experimental) from a `[modal NAME]` profile, over gRPC: the composition root hands it an
    /// HTTP/2 client with trailers (docs/provider-apis.md §5.1, §5.2). Modal publishes no quota, so a
    /// conservative 10 calls/s.
    package static let modal = ProviderRegistration(
        type: ProviderType(
            kind: .modal,
            summary: "Modal sandboxes over gRPC (experimental)",
            credentialsProfileKind: "modal",
            requiredConfigurationKeys: ["image", "command"],
            pacing: PacingRate(perSecond: 10, burst: 20),
            transport: .http2
        ),
        profileKind: .modal
    ) { context in
        ModalProvider(profile: try context.credentials.modalProfile(context.profile), http: context.http, clock: context.clock)
    }
}

extension ModalProvider {
    /// Calls count against the workspace the profile's token belongs to; Modal has no regions.
    package func pacingKey(for job: SubmissionJob) -> PacingKey { PacingKey(kind: kind, account: workspace) }
}
