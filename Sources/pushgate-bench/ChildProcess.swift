import Foundation

/// A `pushgate` child process of the benchmark (`emulate`, `serve`): the end-to-end figures are then the
/// gateway's own, not shared with an in-process fake. The binary is the `pushgate` built beside this
/// benchmark (`scripts/bench.sh` builds both). Its output and logs go to /dev/null (an emulator that fails to
/// start is reported by the caller); stopped with SIGTERM.
final class ChildProcess {
    private let process = Process()
    /// For `emulate`: the credentials file it wrote (profile `emulator`); empty otherwise.
    private(set) var credentialsPath = ""

    init(arguments: [String], environment: [String: String] = [:]) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pushgate")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("end to end: \(binary.path) is missing; build it with `swift build -c release --product pushgate` (scripts/bench.sh does)")
        }
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// `pushgate emulate`, once it has written its credentials file.
    static func emulator(directory: URL) throws -> ChildProcess {
        let emulatorDirectory = directory.appendingPathComponent("emulator-\(UUID().uuidString)")
        let child = try ChildProcess(arguments: ["emulate", "--dir", emulatorDirectory.path])
        child.credentialsPath = emulatorDirectory.appendingPathComponent("emulator-credentials").path
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: child.credentialsPath) {
            guard child.isRunning, Date() < deadline else {
                child.stop()
                throw BenchError("end to end: `pushgate emulate` did not write \(child.credentialsPath)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return child
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
