/// Which environment variables the gateway keeps from its commands and which values dry-run hides:
/// the gateway's API tokens and credentials file are its own, and a secret value (``DryRunRedaction``'s
/// rule, as for every provider) is shown as `<redacted>` (docs/provider-apis.md §6.4).
package enum ProcessEnvironment {
    /// The gateway's settings that name its secrets: not passed to commands. Its Prefect credentials reach a
    /// served pool's flow runs only through the bridge (docs/prefect-semantics.md §7).
    package static let gatewayOnly: Set<String> = [
        "PUSHGATE_API_TOKENS", "PUSHGATE_CREDENTIALS", "PUSHGATE_TOKEN", "PREFECT_API_KEY", "PREFECT_API_AUTH_STRING",
    ]

    /// `NAME=value` lines sorted by name: secret values redacted, and the values inherited from the gateway
    /// (which may hold anything the gateway was started with) shown only by name.
    package static func preview(configured: [String: String], gateway: [String: String], secretValues: Set<String>) -> [String] {
        var lines: [String: String] = [:]
        for name in gateway.keys where !gatewayOnly.contains(name) && configured[name] == nil {
            lines[name] = "\(name)=<inherited from the gateway>"
        }
        for (name, value) in configured {
            lines[name] = "\(name)=" + DryRunRedaction.environmentValue(name: name, value: value, secretValues: secretValues)
        }
        return lines.keys.sorted().map { lines[$0]! }
    }
}
