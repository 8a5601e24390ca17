extension CredentialsFile {
    /// Why a pool whose type needs a `kind` profile cannot submit with profile `name` from this file, in
    /// words a user acts on; nil when the profile is there. A profile of the same name under another kind
    /// is named, since that is the usual mistake.
    package func problem(kind: String, profile name: String?) -> String? {
        guard let name, !name.isEmpty else { return "the pool has no credentials profile (pool update NAME --credentials PROFILE)" }
        if names(of: kind).contains(name) { return nil }
        var message = "no [\(kind) \(name)] profile in \(path)"
        if let other = ["aws", "gcp", "azure", "modal", "docker"].first(where: { $0 != kind && names(of: $0).contains(name) }) {
            message += "; there is an [\(other) \(name)] profile"
        }
        return message
    }

    /// The profile names of one kind.
    package func names(of kind: String) -> Set<String> {
        switch kind {
        case "aws": return Set(aws.keys)
        case "gcp": return Set(gcp.keys)
        case "azure": return Set(azure.keys)
        case "modal": return Set(modal.keys)
        case "docker": return Set(docker.keys)
        default: return []
        }
    }
}
