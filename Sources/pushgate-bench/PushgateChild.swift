import Foundation
import PushgateTestSupport

/// The benchmark's `pushgate` child processes (`emulate`, `serve`), so the end-to-end figures are the
/// gateway's own, not shared with an in-process fake. The binary must be the `pushgate` built beside this
/// benchmark (`scripts/bench.sh` builds both), never another build a fallback could find; output is discarded.
enum PushgateChild {
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> GatewayProcess {
        try GatewayProcess(binary: try binary(), arguments: arguments, environment: environment, logURL: nil)
    }

    /// Runs `pushgate ARGUMENTS` to its end, output discarded; throws unless it exits 0.
    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("pushgate \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
    }

    private static func binary() throws -> URL {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pushgate")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError(
                "\(binary.path) is missing; build it with `swift build -c release --product pushgate` (scripts/bench.sh does)"
            )
        }
        return binary
    }

    /// `pushgate emulate`, once it has written its credentials file (profile `emulator`), with that file's path.
    static func emulator(directory: URL) throws -> (process: GatewayProcess, credentialsPath: String) {
        let emulatorDirectory = directory.appendingPathComponent("emulator-\(UUID().uuidString)")
        let process = try start(["emulate", "--dir", emulatorDirectory.path])
        let credentialsPath = emulatorDirectory.appendingPathComponent("emulator-credentials").path
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: credentialsPath) {
            guard process.isRunning, Date() < deadline else {
                process.terminate()
                throw BenchError("end to end: `pushgate emulate` did not write \(credentialsPath)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return (process, credentialsPath)
    }
}
