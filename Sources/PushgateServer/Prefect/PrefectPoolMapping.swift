import PushgateCore

/// One Prefect work pool the bridge serves: `--prefect-pool POOL=TYPE[@PROFILE]` (README "Use with a Prefect
/// server"). TYPE is the pushgate provider type that submits its runs, PROFILE the credentials profile.
/// pushgate keeps what exactly-once needs in a mirror pool of its own store, named ``mirrorPool``.
package struct PrefectPoolMapping: Sendable, Hashable {
    package var prefectPool: String
    package var providerType: String
    package var credentialsProfile: String?

    package init(prefectPool: String, providerType: String, credentialsProfile: String? = nil) {
        self.prefectPool = prefectPool
        self.providerType = providerType
        self.credentialsProfile = credentialsProfile
    }

    /// The pushgate pool that mirrors the Prefect pool.
    package var mirrorPool: String { "prefect.\(prefectPool)" }

    /// Parses `POOL=TYPE[@PROFILE]`; `place` (the option or file) and `knownTypes` name what is wrong.
    package static func parse(_ text: String, place: String, knownTypes: [String]) throws(PrefectError) -> PrefectPoolMapping {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw PrefectError(.configuration, "\(place): expected POOL=TYPE[@PROFILE], got '\(text)'")
        }
        let pool = String(text[..<equals])
        let rest = text[text.index(after: equals)...]
        let type: String
        var profile: String?
        if let at = rest.firstIndex(of: "@") {
            type = String(rest[..<at])
            profile = String(rest[rest.index(after: at)...])
            if profile?.isEmpty == true { throw PrefectError(.configuration, "\(place): empty credentials profile in '\(text)'") }
        } else {
            type = String(rest)
        }
        guard knownTypes.contains(type) else {
            throw PrefectError(.configuration, "\(place): unknown provider type '\(type)' (one of \(knownTypes.joined(separator: ", ")))")
        }
        let mapping = PrefectPoolMapping(prefectPool: pool, providerType: type, credentialsProfile: profile)
        do {
            try StoreValidation.name(mapping.mirrorPool, of: "pool")
        } catch {
            throw PrefectError(.configuration, "\(place): Prefect pool '\(pool)' cannot be served: \(error.message)")
        }
        return mapping
    }
}
