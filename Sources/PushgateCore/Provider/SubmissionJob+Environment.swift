extension SubmissionJob {
    /// The job with `environment` added under the configuration's `env` where the run or deployment did
    /// not set the name, and its values added to ``secretValues``. This is how a Prefect flow run gets the
    /// API key or auth string the gateway holds without the store ever keeping it. Each provider then sends
    /// it its own way: as an ECS or Cloud Run secret when the template names one, as an ACI `secureValue`.
    /// Prefect's worker adds its settings to the env the same way (docs/prefect-semantics.md §7).
    package func adding(secretEnvironment environment: [String: String]) -> SubmissionJob {
        guard !environment.isEmpty, case .object(var members) = configuration else { return self }
        var env = members["env"]?.objectValue ?? [:]
        var copy = self
        for (name, value) in environment where env[name] == nil {
            env[name] = .string(value)
            copy.secretValues.insert(value)
        }
        members["env"] = .object(env)
        copy.configuration = .object(members)
        return copy
    }
}
