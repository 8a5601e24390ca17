import Foundation
import Synchronization

/// The fake Modal control plane (`Tests/Support/fake_modal_server.py`, Python grpcio) on a free loopback
/// port: plaintext HTTP/2 gRPC that checks the token id/secret and auth token like Modal does
/// (docs/provider-apis.md §5.2) and walks sandboxes through their states. Started with Foundation `Process`,
/// ready once it prints its port, stopped by ``stop()`` or on deinit.
package final class FakeModalServer: Sendable {
    /// Counters and sandboxes the fake writes to its stats file after every call.
    package struct Stats: Sendable, Decodable {
        package struct Sandbox: Sendable, Decodable {
            package var id: String
            package var name: String
            package var args: [String]
            package var tags: [String: String]
            package var secret_ids: [String]
            package var timeout_secs: Int
            package var memory_mb: Int
            package var milli_cpu: Int
            package var terminated: Bool
        }
        package struct Secret: Sendable, Decodable {
            package var name: String
            package var env: [String: String]
        }
        package var sandboxes_created: Int
        package var sandbox_create_calls: Int
        package var calls: [String: Int]
        package var unauthenticated: Int
        package var injected_faults: Int
        package var terminate_calls: Int
        /// NOT_FOUND answers to status reads of sandboxes that exist (`--status-not-found`).
        package var status_not_found: Int
        /// The most sandboxes running (or waiting to) at once, measured at each SandboxCreate.
        package var peak_running: Int
        /// `[method, x-retry-attempt, x-throttle-retry-attempt, x-idempotency-key]` per call received.
        package var attempts: [[String?]]
        package var sandboxes: [Sandbox]
        package var secrets: [String: Secret]
    }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        init(_ description: String) { self.description = description }
    }

    package let port: Int
    package let statsFile: URL
    private let process: Mutex<Process?>

    /// `http://127.0.0.1:<port>`.
    package var endpoint: String { "http://127.0.0.1:\(port)" }

    /// True when python3 can import grpc here.
    package static var isAvailable: Bool { PythonScript.canImport("grpc") }

    /// True in CI (`CI=true`), where a missing grpcio must fail the tests instead of skipping them.
    package static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    package static let installHint =
        "the fake Modal server needs Python grpcio: run `python3 -m pip install grpcio` (or scripts/install-deps.sh)"

    /// The script's path in this checkout.
    package static func scriptURL(file: StaticString = #filePath) -> URL {
        Fixtures.repositoryRoot(file: file).appendingPathComponent("Tests/Support/fake_modal_server.py")
    }

    /// Starts the fake with the credentials it accepts and any extra flags (`--fail-first 2`,
    /// `--create-then-unavailable 1`, `--secret NAME`, `--run-seconds 0.5`, `--status-not-found 2`,
    /// `--list-hides-not-found`…; see the script's `--help`).
    package init(tokenID: String, tokenSecret: String, arguments: [String] = [], readyTimeout: TimeInterval = 20) async throws {
        let stats = FileManager.default.temporaryDirectory.appendingPathComponent("fake-modal-\(UUID().uuidString).json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", "-u", FakeModalServer.scriptURL().path, "--port", "0", "--token-id", tokenID,
                "--token-secret", tokenSecret, "--stats-file", stats.path,
            ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let firstLine = LineBox()
        let reader = Thread {
            var buffer = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    firstLine.set(String(decoding: buffer[..<newline], as: UTF8.self))
                    break
                }
            }
            firstLine.set(nil)
        }
        reader.start()
        let deadline = Date().addingTimeInterval(readyTimeout)
        var port: Int?
        while port == nil {
            if let line = firstLine.line {
                guard line.hasPrefix("PORT "), let value = Int(line.dropFirst(5)) else {
                    process.stop(grace: 5)
                    throw Failure("fake_modal_server.py printed \"\(line)\" instead of its port")
                }
                port = value
            } else if firstLine.finished || !process.isRunning || Date() >= deadline {
                process.stop(grace: 5)
                throw Failure(
                    "fake_modal_server.py did not start within \(readyTimeout) s (exit \(process.isRunning ? -1 : process.terminationStatus)); \(FakeModalServer.installHint)"
                )
            } else {
                try await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        self.port = port ?? 0
        statsFile = stats
        self.process = Mutex(process)
    }

    deinit { stop() }

    /// What the fake has seen so far.
    package func stats() throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: Data(contentsOf: statsFile))
    }

    /// Terminates the fake (SIGTERM, then SIGKILL after 3 s) and waits for it; removes the stats file. Safe to call more than once.
    package func stop() {
        let running = process.withLock { current -> Process? in
            defer { current = nil }
            return current
        }
        guard let running else { return }
        running.stop(grace: 3)
        try? FileManager.default.removeItem(at: statsFile)
    }

    /// The first stdout line, handed from the reader thread.
    private final class LineBox: Sendable {
        private let state = Mutex<(line: String?, finished: Bool)>((nil, false))
        func set(_ line: String?) {
            state.withLock { value in
                if value.line == nil, let line { value.line = line }
                value.finished = true
            }
        }
        var line: String? { state.withLock { $0.line } }
        var finished: Bool { state.withLock { $0.finished } }
    }
}
