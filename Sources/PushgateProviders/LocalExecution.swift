import PushgateCore

/// What a provider that runs work on the gateway's own host needs from the composition root: the data
/// directory its records live in, the `pushgate` executable it starts as supervisor, and the process IO.
package struct LocalExecution: Sendable {
    package var dataDirectory: String
    package var executablePath: String
    package var processes: any ProcessSupervisorClient

    package init(dataDirectory: String, executablePath: String, processes: any ProcessSupervisorClient) {
        self.dataDirectory = dataDirectory
        self.executablePath = executablePath
        self.processes = processes
    }
}
