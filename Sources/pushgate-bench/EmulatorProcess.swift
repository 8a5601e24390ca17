import Foundation

/// `pushgate emulate` as a child process, so the end-to-end figures (CPU share, RSS) are the gateway's own
/// and not shared with an in-process fake. The binary is the `pushgate` built beside this benchmark.
final class EmulatorProcess {
    let process = Process()
    /// The credentials file the emulator wrote (profile `emulator`, ECS endpoint on loopback).
    let credentialsPath: String

    init(directory: URL) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pushgate")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("end to end: \(binary.path) is missing; build it with `swift build -c release --product pushgate` (scripts/bench.sh does)")
        }
        let emulatorDirectory = directory.appendingPathComponent("emulator-\(UUID().uuidString)")
        credentialsPath = emulatorDirectory.appendingPathComponent("emulator-credentials").path
        process.executableURL = binary
        process.arguments = ["emulate", "--dir", emulatorDirectory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.standardError
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: credentialsPath) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw BenchError("end to end: `pushgate emulate` did not write \(credentialsPath)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
