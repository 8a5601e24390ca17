import PushgateCore
import PushgateEmulators
import PushgateProviders

/// Every work-pool type this build of pushgate pushes to (the composition root, tests and benchmarks
/// read the same list): its provider registration (type, template,
/// credentials profile kind, factory, pacing) and, where one exists, its loopback emulator. The CLI's
/// type lists, `--help`, validation, dry-run, the demo and the API read this list; adding a provider is
/// its folders, its template and one line here.
package enum ProviderRegistry {
    package struct Entry: Sendable {
        package var provider: ProviderRegistration
        package var emulator: EmulatorRegistration?
    }

    package static let entries: [Entry] = [
        Entry(provider: .ecs, emulator: .ecs),
        Entry(provider: .cloudRunV2, emulator: .cloudRunV2),
        Entry(provider: .cloudRunV1, emulator: .cloudRunV1),
        Entry(provider: .vertexAI, emulator: .vertexAI),
        Entry(provider: .azureContainerInstance, emulator: .azureContainerInstance),
        Entry(provider: .modal, emulator: nil),
        Entry(provider: .process, emulator: nil),
        Entry(provider: .docker, emulator: nil),
        Entry(provider: .kubernetes, emulator: .kubernetes),
    ]

    package static let catalog = ProviderCatalog(entries.map(\.provider.type))

    /// The credentials-file section kinds the registered types read, each once, in registration order.
    package static let profileKinds: [CredentialProfileKind] = entries.reduce(into: []) { kinds, entry in
        if let kind = entry.provider.profileKind, !kinds.contains(where: { $0.name == kind.name }) { kinds.append(kind) }
    }

    /// The registration of a pool type (`ecs:push` or `ecs`).
    package static func registration(forPoolType poolType: String) -> ProviderRegistration? {
        guard let type = catalog.type(forPoolType: poolType) else { return nil }
        return entries.first { $0.provider.kind == type.kind }?.provider
    }

    /// The emulators the registry has, in registration order, for ``EmulatorSuite``.
    package static var emulators: [(kind: ProviderKind, emulator: EmulatorRegistration)] {
        entries.compactMap { entry in entry.emulator.map { (entry.provider.kind, $0) } }
    }

    /// One `TYPE  summary` line per registered type, for `--help`.
    package static var typeList: String {
        let width = catalog.kinds.map(\.rawValue.count).max() ?? 0
        return catalog.types.map { type in
            "  " + type.kind.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0) + type.summary
        }.joined(separator: "\n")
    }
}
