import Foundation

/// The Python interpreter that runs the peers: `PUSHGATE_BENCH_PYTHON` when set (scripts/bench.sh points
/// it at the throwaway venv with prefect and prefect-aws), else `python3` on PATH.
enum PeerPython {
    static var interpreter: String { ProcessInfo.processInfo.environment["PUSHGATE_BENCH_PYTHON"] ?? "python3" }

    /// True when the interpreter can import `module`.
    static func has(_ module: String) -> Bool {
        (try? run(["-c", "import \(module)"], timeout: 120))?.status == 0
    }

    /// `version` of an installed distribution, or nil.
    static func version(of distribution: String) -> String? {
        guard let result = try? run(["-c", "import importlib.metadata as m; print(m.version('\(distribution)'))"], timeout: 60),
            result.status == 0
        else { return nil }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the interpreter with `arguments`, feeding `input`; waits at most `timeout` seconds (then kills it).
    static func run(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:], timeout: TimeInterval = 600) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes on their own threads so neither fills up and blocks the child.
        let outBox = DataBox()
        let errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outBox), (stderr, errBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            group.wait()
        }
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: outBox.get(), as: UTF8.self),
            stderr: String(decoding: errBox.get(), as: UTF8.self)
        )
    }
}

/// A thread-safe holder for pipe output.
final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
