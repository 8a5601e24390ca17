import PushgateCore

/// Submission rate limits per provider kind, defaulting to each type's published quota
/// (``ProviderType/pacing``, docs/peers.md §2.1); a kind with none gets ``fallback``.
package struct PacingConfiguration: Sendable, Equatable {
    package var rates: [ProviderKind: PacingRate]
    package var fallback: PacingRate

    package init(rates: [ProviderKind: PacingRate] = [:], fallback: PacingRate = PacingRate(perSecond: 10, burst: 10)) {
        self.rates = rates
        self.fallback = fallback
    }

    /// Every type of `catalog` at its published quota.
    package init(catalog: ProviderCatalog) {
        self.init(rates: Dictionary(uniqueKeysWithValues: catalog.types.map { ($0.kind, $0.pacing) }))
    }

    package func rate(for kind: ProviderKind) -> PacingRate { rates[kind] ?? fallback }

    /// Every provider at `perSecond` (benchmarks and emulator runs, where no quota applies).
    package static func uniform(perSecond: Double, burst: Double) -> PacingConfiguration {
        PacingConfiguration(fallback: PacingRate(perSecond: perSecond, burst: burst))
    }
}
