import Foundation

extension Process {
    /// SIGTERM, then SIGKILL after `grace` seconds, then waits: a child may inherit a blocked SIGTERM from the
    /// test runner (or ignore it while its services stop), and an unbounded wait would pin a thread forever.
    /// Shared by the peers the tests start (moto, the Modal fake, the Prefect server, podman, the TLS test server).
    package func stop(grace: TimeInterval) {
        guard isRunning else { return }
        terminate()
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning { kill(processIdentifier, SIGKILL) }
        waitUntilExit()
    }
}
