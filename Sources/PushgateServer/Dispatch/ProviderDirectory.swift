import PushgateCore

/// Finds the provider that submits a pool's runs (its type and credentials profile). The composition
/// root wires the real one over the credentials file; tests pass providers directly.
package protocol ProviderDirectory: Sendable {
    func provider(for pool: WorkPool) throws -> any Provider
    /// The pacing key of a pool's provider: provider, account and region share one token bucket.
    func pacingKey(for pool: WorkPool) -> String
}

extension ProviderDirectory {
    package func pacingKey(for pool: WorkPool) -> String { "\(pool.type)|\(pool.credentialsProfile ?? "default")" }
}
