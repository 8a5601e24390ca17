/// The work-pool types one gateway can push to, in registration order: what the API, the CLI's type
/// lists, validation and pacing read, so none of them names a provider.
package struct ProviderCatalog: Sendable {
    package let types: [ProviderType]
    private let byKind: [ProviderKind: ProviderType]

    /// - Precondition: no kind is registered twice.
    package init(_ types: [ProviderType]) {
        self.types = types
        byKind = Dictionary(
            types.map { ($0.kind, $0) },
            uniquingKeysWith: { first, _ in
                preconditionFailure("provider type '\(first.kind)' registered twice")
            }
        )
    }

    /// The type of a pool: its push type (`ecs:push`) or the worker type it derives from (`ecs`).
    package func type(forPoolType poolType: String) -> ProviderType? {
        byKind[ProviderKind(rawValue: poolType)] ?? byKind[ProviderKind(rawValue: poolType + ":push")]
    }

    package func type(_ kind: ProviderKind) -> ProviderType? { byKind[kind] }

    package var kinds: [ProviderKind] { types.map(\.kind) }

    /// `ecs:push, cloud-run-v2:push, …` for error messages and help.
    package var supportedTypes: String { kinds.map(\.rawValue).joined(separator: ", ") }
}
