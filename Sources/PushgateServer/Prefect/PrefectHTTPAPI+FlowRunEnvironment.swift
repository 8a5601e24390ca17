extension PrefectHTTPAPI.Auth {
    /// The variable a flow run's engine reads the same credentials from, for the bridge to hand to each
    /// submission (docs/prefect-semantics.md §7).
    package var flowRunEnvironment: [String: String] {
        switch self {
        case .none: [:]
        case .bearer(let key): ["PREFECT_API_KEY": key]
        case .basic(let text): ["PREFECT_API_AUTH_STRING": text]
        }
    }
}
