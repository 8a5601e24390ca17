import Foundation

/// A `pushgate` child process started by a test or the benchmark (`pushgate serve`, `pushgate emulate`…):
/// its output goes to a log file the caller can read (or nowhere); it is killed when stopped or released, so
/// nothing leaves one behind.
package final class GatewayProcess: @unchecked Sendable {
    private let process = Process()
    /// Nil when the output is discarded.
    package let logURL: URL?

    /// The `pushgate` executable built beside the test bundle (or in a known scratch folder).
    package static func binary() -> URL? {
        var candidates: [URL] = []
        if let argument = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent("pushgate"))
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("pushgate"))
        let root = Fixtures.repositoryRoot()
        for scratch in [".build", ".build-store", ".build-pg"] { candidates.append(root.appendingPathComponent("\(scratch)/debug/pushgate")) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// `logURL` nil discards the output (the benchmark, whose figures a log file's writes would share).
    package init(binary: URL, arguments: [String], environment: [String: String] = [:], logURL: URL?) throws {
        self.logURL = logURL
        let log: FileHandle
        if let logURL {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            log = try FileHandle(forWritingTo: logURL)
            try log.seekToEnd()
        } else {
            log = FileHandle.nullDevice
        }
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { kill() }

    package var pid: Int32 { process.processIdentifier }
    package var isRunning: Bool { process.isRunning }

    /// SIGKILL: no clean-up, as a crash.
    package func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, then waits up to `timeout` seconds for a clean exit; returns the exit status, or nil when
    /// it had to be killed.
    @discardableResult
    package func terminate(timeout: TimeInterval = 20) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill()
            return nil
        }
        return process.terminationStatus
    }

    /// Everything the process wrote so far (empty when it is discarded).
    package var output: String { logURL.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? "" }

    /// Waits until the output contains `text` (or `timeout` passes); true when it appeared. Suspends
    /// between looks rather than sleeping a thread the suites beside it need.
    package func waitForOutput(_ text: String, timeout: TimeInterval = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }
}
