extension CredentialsFile {
    /// Why a pool whose type needs a `kind` profile cannot submit with profile `name` from this file, in
    /// words a user acts on; nil when the profile is there. A profile of the same name under another kind
    /// is named, since that is the usual mistake.
    package func problem(kind: String, profile name: String?) -> String? {
        guard let name, !name.isEmpty else { return "the pool has no credentials profile (pool update NAME --credentials PROFILE)" }
        if names(of: kind).contains(name) { return nil }
        var message = "no [\(kind) \(name)] profile in \(path)"
        if let other = kindsPresent.first(where: { $0 != kind && names(of: $0).contains(name) }) {
            message += "; there is an [\(other) \(name)] profile"
        }
        return message
    }
}
