/// Which environment variables the gateway keeps from its commands and which values dry-run hides:
/// the gateway's API tokens and credentials file are its own, and a value whose name says it is a secret
/// is shown as `<redacted>` (docs/provider-apis.md §6.4).
package enum ProcessEnvironment {
    /// The gateway's settings that name its secrets: not passed to commands.
    package static let gatewayOnly: Set<String> = ["PUSHGATE_API_TOKENS", "PUSHGATE_CREDENTIALS", "PUSHGATE_TOKEN"]

    /// Name parts that mark a value as secret (`AWS_SECRET_ACCESS_KEY`, `PREFECT_API_KEY`, `DB_PASSWORD`…).
    static let secretMarkers = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH"]

    package static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretMarkers.contains { upper.contains($0) }
    }

    /// `NAME=value` lines sorted by name: secret values redacted, and the values inherited from the gateway
    /// (which may hold anything the gateway was started with) shown only by name.
    package static func preview(configured: [String: String], gateway: [String: String]) -> [String] {
        var lines: [String: String] = [:]
        for name in gateway.keys where !gatewayOnly.contains(name) && configured[name] == nil {
            lines[name] = "\(name)=<inherited from the gateway>"
        }
        for (name, value) in configured {
            lines[name] = "\(name)=\(isSecret(name) ? Redaction.placeholder : value)"
        }
        return lines.keys.sorted().map { lines[$0]! }
    }
}
