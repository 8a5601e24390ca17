import PushgateCore

/// Where and how a `process` pool runs its commands: the gateway's data directory (attempt directories
/// and output), the `pushgate` executable started as supervisor, the environment commands inherit, the
/// output cap and the cancel grace.
package struct ProcessConfiguration: Sendable, Hashable {
    package var dataDirectory: String
    package var executablePath: String
    package var environment: [String: String]
    package var logs: LogRotationPolicy
    package var killGrace: Double

    package init(
        dataDirectory: String,
        executablePath: String,
        environment: [String: String],
        logs: LogRotationPolicy = .standard,
        killGrace: Double = 10
    ) {
        self.dataDirectory = dataDirectory
        self.executablePath = executablePath
        self.environment = environment
        self.logs = logs
        self.killGrace = killGrace
    }
}
