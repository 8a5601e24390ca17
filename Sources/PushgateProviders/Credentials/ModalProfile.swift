/// A `[modal NAME]` profile (docs/provider-apis.md §5.2).
package struct ModalProfile: Sendable, Equatable {
    package var name: String
    package var credentials: ModalCredentials
    /// Overrides `https://api.modal.com`.
    package var serverURL: String?
    package var environment: String?
    package var place: String
}
