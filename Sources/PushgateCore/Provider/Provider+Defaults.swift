/// What a provider offers beyond submitting and tracking, with defaults so a provider that has no
/// logs or no non-HTTP plan needs no change.
extension Provider {
    package func consoleURL(_ handle: ProviderHandle, job: SubmissionJob) -> String? { nil }

    /// The run's output as the provider keeps it; nil means this provider offers no logs (Modal's output
    /// stays in Modal).
    package func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk? { nil }

    /// What a submission would do: by default the HTTP requests of ``dryRun(_:)``.
    package func dryRunSteps(_ job: SubmissionJob) async throws -> [DryRunStep] {
        try await dryRun(job).map { .request($0) }
    }
}
