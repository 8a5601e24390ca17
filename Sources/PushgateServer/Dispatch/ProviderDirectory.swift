import PushgateCore

/// Finds the provider that submits a pool's runs (its type and credentials profile). The composition
/// root wires the real one over the registry and the credentials file; tests pass providers directly.
package protocol ProviderDirectory: Sendable {
    func provider(for pool: WorkPool) throws -> any Provider
}
