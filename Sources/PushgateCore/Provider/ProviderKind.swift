/// A work-pool type pushgate pushes to, named as Prefect names it (`ecs:push`). Each provider declares its
/// constant in its own folder (`ProviderKind.ecs`); which kinds a gateway knows is its ``ProviderCatalog``'s
/// business, so adding a provider changes no switch here.
package struct ProviderKind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    package let rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }

    /// The worker type a push type derives from: `ecs:push` → `ecs`.
    package var workerType: String { rawValue.hasSuffix(":push") ? String(rawValue.dropLast(5)) : rawValue }

    /// The default base job template shipped in `templates/`.
    package var defaultTemplateFileName: String {
        rawValue.replacingOccurrences(of: ":", with: "-") + ".json"
    }

    package var description: String { rawValue }

    package static func < (lhs: ProviderKind, rhs: ProviderKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
