import PushgateCore

extension ProviderKind {
    package static let process = ProviderKind(rawValue: "process")
}

extension ProviderRegistration {
    /// Local processes on the gateway's host: no credentials; the serve and demo wiring pass the data
    /// directory, the executable and the process client (docs/provider-apis.md §6).
    package static let process = ProviderRegistration(
        type: ProviderType(
            kind: .process,
            summary: "local processes on the gateway's host, supervised by pushgate exec-run",
            credentialsProfileKind: "",
            requiredConfigurationKeys: ["command", "env", "working_dir"],
            pacing: PacingRate(perSecond: 50, burst: 50)
        ),
        profileKind: nil
    ) { context in
        guard let local = context.local else {
            throw ProviderError(.invalidConfiguration, "process pools need the gateway's data directory (pushgate serve --data-dir DIR)")
        }
        var configuration = ProcessConfiguration(
            dataDirectory: local.dataDirectory,
            executablePath: local.executablePath,
            environment: context.environment
        )
        if let grace = context.environment["PUSHGATE_PROCESS_KILL_GRACE"].flatMap(Double.init), grace >= 0 { configuration.killGrace = grace }
        return ProcessProvider(configuration: configuration, client: local.processes)
    }
}
