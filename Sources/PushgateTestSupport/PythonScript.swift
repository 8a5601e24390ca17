import Foundation

/// Runs a python3 snippet as an oracle or helper (botocore signatures, boto3 set-up) and returns its
/// standard output. Tests use this to compare against the real SDKs instead of self-written answers.
package enum PythonScript {
    package struct Failure: Error, CustomStringConvertible {
        package var status: Int32
        package var standardError: String
        package var description: String { "python3 exited with \(status): \(standardError)" }
    }

    /// Runs `python3 -c script args…` with `environment` added to the current one; `interpreter` is another
    /// Python (a virtual environment's `bin/python`) when the script needs packages kept apart.
    package static func run(
        _ script: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        standardInput: Data? = nil,
        interpreter: String = "python3"
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "-c", script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let standardInput { input.fileHandleForWriting.write(standardInput) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a large output cannot block the child.
        let errData = ReadBox()
        let errThread = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { usleep(1_000) }
        guard process.terminationStatus == 0 else {
            throw Failure(status: process.terminationStatus, standardError: String(decoding: errData.data, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self)
    }

    /// True when `python3 -c "import module"` works.
    package static func canImport(_ module: String) -> Bool {
        (try? run("import \(module)")) != nil
    }

    private final class ReadBox: @unchecked Sendable {
        private let lock = NSLock()
        private var _data = Data()
        private var _done = false
        var data: Data {
            get { lock.withLock { _data } }
            set {
                lock.withLock {
                    _data = newValue
                    _done = true
                }
            }
        }
        var done: Bool { lock.withLock { _done } }
    }
}
