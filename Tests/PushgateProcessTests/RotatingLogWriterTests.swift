import Foundation
import PushgateCore
import PushgateProcess
import Testing

/// The supervisor's output files: segments capped and expired on disk, read back by offset across
/// rotations, and records replaced atomically (docs/provider-apis.md §6.6).
@Suite("RotatingLogWriter and the client's output reads, on a real directory")
struct RotatingLogWriterTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-logs-\(UUID().uuidString.prefix(8))").path

    @Test func outputIsCappedRotatedAndReadBackByOffset() throws {
        try FileIO.makeDirectories(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let policy = LogRotationPolicy(segmentBytes: 10, keptSegments: 2)
        let spec = ProcessLaunchSpec(arguments: ["true"], environment: [:], workingDirectory: "/", logs: policy, killGrace: 1)
        try FileIO.writeAtomically(spec.json.data(), to: directory + "/spec.json")
        let writer = RotatingLogWriter(directory: directory, policy: policy)
        let text = (0..<9).map { "line \($0)\n" }.joined()  // 63 bytes: segments 0…6
        for chunk in stride(from: 0, to: text.utf8.count, by: 4) {
            try writer.append(Data(Array(text.utf8)[chunk..<min(chunk + 4, text.utf8.count)]))
        }
        let files = try FileIO.names(in: directory).filter { $0.hasPrefix("output.") }
        #expect(files == ["output.5.log", "output.6.log"], "only the newest 2 segments are kept")
        #expect(files.allSatisfy { (FileIO.size(directory + "/" + $0) ?? 99) <= 10 })

        let client = PosixProcessSupervisorClient(executablePath: "/bin/false")
        let all = try client.readOutput(directory, from: 0, maxBytes: 1_000)
        #expect(all.start == 50 && all.end == 63 && all.total == 63, "older output rotated away: \(all)")
        #expect(String(decoding: all.bytes, as: UTF8.self) == String(text.dropFirst(50)))
        let part = try client.readOutput(directory, from: 58, maxBytes: 3)
        #expect(String(decoding: part.bytes, as: UTF8.self) == String(Array(text)[58..<61]) && part.end == 61)
    }

    @Test func attemptDirectoriesAreCreatedExclusively() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = PosixProcessSupervisorClient(executablePath: "/bin/false")
        #expect(try client.createAttempt(directory + "/attempts/pg-r-1"))
        #expect(try !client.createAttempt(directory + "/attempts/pg-r-1"), "the second claim of an attempt fails")
        #expect(try client.observe(directory + "/attempts/pg-r-1") == ProcessAttemptObservation(lockHeld: false))
        #expect(try client.observe(directory + "/attempts/pg-missing-1") == nil)
    }
}
