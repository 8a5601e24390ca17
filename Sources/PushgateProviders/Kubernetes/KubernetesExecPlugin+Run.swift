import Foundation
import PushgateCore
import Synchronization

extension KubernetesExecPlugin {
    /// Runs the plugin once, as client-go does (docs/provider-apis.md §10.1): its `env` over the gateway's
    /// environment, `KUBERNETES_EXEC_INFO` set, no standard input, killed after ``timeout`` seconds.
    /// - Throws: ``CredentialsError`` `.notConfigured` for a plugin that cannot start, times out, exits
    ///   non-zero (with the start of its standard error, which plugins write for people) or prints no token.
    package func run() async throws -> BearerToken {
        let place = "exec plugin \(command)"
        let process = Process()
        if command.contains("/") {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [command] + arguments
        }
        var environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        environment["KUBERNETES_EXEC_INFO"] = execInfo
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let watch = ExecPluginRun()
        process.terminationHandler = { watch.exited($0.terminationStatus) }
        do {
            try process.run()
        } catch {
            throw CredentialsError(.notConfigured, "\(place) cannot be started: \(error.localizedDescription)")
        }
        watch.read(output.fileHandleForReading, standardError: false)
        watch.read(errors.fileHandleForReading, standardError: true)
        let limit = timeout
        let outcome = await withTaskGroup(of: ExecPluginRun.Outcome?.self) { group in
            group.addTask { await watch.outcome() }
            group.addTask {
                // Cancelled as soon as the plugin is done; only a plugin still running is killed.
                try? await Task.sleep(for: .milliseconds(Int(limit * 1000)))
                if !Task.isCancelled { watch.timedOut(pid: process.processIdentifier) }
                return nil
            }
            var result = ExecPluginRun.Outcome.timedOut
            if case let first?? = await group.next() { result = first }
            group.cancelAll()
            return result
        }
        switch outcome {
        case .timedOut:
            throw CredentialsError(.notConfigured, "\(place) did not finish within \(Int(timeout)) s and was killed")
        case .exited(let status, let out, let err):
            guard status == 0 else {
                let said = String(decoding: err.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw CredentialsError(.notConfigured, "\(place) exited with status \(status)" + (said.isEmpty ? "" : ": \(said)"))
            }
            return try credential(from: String(decoding: out, as: UTF8.self))
        }
    }
}
