import PushgateCore

/// Submission rate limits per provider kind, defaulting to the published quotas (docs/peers.md §2.1):
/// Fargate RunTask 20 calls/s; ACI 300 creates/hour with bursts of 100 per 5 minutes; Cloud Run's
/// admin API about 180 writes/minute; Modal unpublished, so a conservative 10/s.
package struct PacingConfiguration: Sendable, Equatable {
    package struct Rate: Sendable, Equatable {
        package var perSecond: Double
        package var burst: Double
        package init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    package var rates: [ProviderKind: Rate]

    package init(rates: [ProviderKind: Rate] = PacingConfiguration.publishedQuotas) { self.rates = rates }

    package static let publishedQuotas: [ProviderKind: Rate] = [
        .ecs: Rate(perSecond: 20, burst: 20),
        .cloudRunV2: Rate(perSecond: 3, burst: 10),
        .azureContainerInstance: Rate(perSecond: 300.0 / 3600, burst: 100),
        .modal: Rate(perSecond: 10, burst: 20),
    ]

    package func rate(for kind: ProviderKind) -> Rate { rates[kind] ?? Rate(perSecond: 10, burst: 10) }

    /// Every provider at `perSecond` (benchmarks and emulator runs, where no quota applies).
    package static func uniform(perSecond: Double, burst: Double) -> PacingConfiguration {
        PacingConfiguration(rates: Dictionary(uniqueKeysWithValues: ProviderKind.allCases.map { ($0, Rate(perSecond: perSecond, burst: burst)) }))
    }
}
