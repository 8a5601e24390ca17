import Foundation
import PushgateCore
import PushgateStore
import PushgateTestSupport
import Synchronization
import Testing

@Suite struct CrashDurabilityTests {
    /// The `pushgate` executable built beside this test bundle.
    static func pushgateBinary() -> URL? {
        var candidates: [URL] = []
        if let argument = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent("pushgate"))
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("pushgate"))
        let root = Fixtures.repositoryRoot()
        for scratch in [".build-store", ".build"] { candidates.append(root.appendingPathComponent("\(scratch)/debug/pushgate")) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// A process killed with SIGKILL in the middle of creates and claims loses no committed run and leaves
    /// no run half-claimed: every claimed run has its lease and history, and is recovered once the lease expires.
    @Test func sigkillLosesNothingAndLeavesNoHalfClaim() async throws {
        let binary = try #require(Self.pushgateBinary(), "build the pushgate executable first")
        let directory = TemporaryDirectory()
        let path = directory.path("crash.db")
        do {
            let store = try await SQLiteStore.open(path: path)
            _ = try await store.createPool(
                WorkPoolSpec(name: "p", type: "ecs:push", baseJobTemplate: StoreFixture.template, concurrencyLimit: 40),
                now: Date()
            )
            _ = try await store.createDeployment(DeploymentSpec(name: "d", poolName: "p"), now: Date())
            await store.close()
        }

        var created = Set<String>()
        var claimed = Set<String>()
        var submitted = Set<String>()
        for round in 0..<3 {
            let output = try await runAndKill(binary, path: path, owner: "victim\(round)", afterLines: 60 + round * 37)
            for line in output {
                let parts = line.split(separator: " ")
                guard parts.count == 2 else { continue }
                switch parts[0] {
                case "created": created.insert(String(parts[1]))
                case "claimed": claimed.insert(String(parts[1]))
                case "submitted": submitted.insert(String(parts[1]))
                default: break
                }
            }
        }
        #expect(created.count >= 60)

        let raw = RawSQLite(path)
        #expect(try raw.rows("PRAGMA integrity_check") == [["ok"]])
        let store = try await SQLiteStore.open(path: path)
        // Every run reported committed is there, in a state consistent with what was reported.
        for id in created { _ = try await store.run(id: id) }
        for id in claimed { #expect(try await store.run(id: id).attempt == 1) }
        for id in submitted { #expect(try await store.run(id: id).providerHandle == "h-\(id)") }
        // No half-claims: every run's state matches its last history entry; Pending runs carry a lease.
        let all = try await store.runs(FlowRunFilter(limit: 100_000))
        #expect(all.count >= created.count)
        for run in all {
            let history = try await store.history(runID: run.id)
            #expect(history.last?.to == run.state, "run \(run.id)")
            if run.state == .pending {
                #expect(run.leaseOwner != nil && run.leaseExpiresAt != nil)
                #expect(run.attempt == 1)
            } else {
                #expect(run.state == .scheduled && run.leaseOwner == nil && run.attempt == 0)
            }
        }
        // Once the dead processes' leases expire, their claimed runs are recovered by a new owner.
        let pending = Set(all.filter { $0.state == .pending }.map(\.id))
        #expect(!pending.isEmpty)
        let later = Date().addingTimeInterval(31)
        let recovered = try await store.reclaimExpiredLeases(pool: "p", owner: "survivor", leaseDuration: 30, now: later, limit: 10_000)
        #expect(Set(recovered.map(\.id)) == pending)
        #expect(recovered.allSatisfy { $0.leaseOwner == "survivor" })
    }

    /// Starts `pushgate run stress`, waits for `afterLines` complete output lines, kills it with SIGKILL
    /// and returns every complete line it printed.
    func runAndKill(_ binary: URL, path: String, owner: String, afterLines: Int) async throws -> [String] {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--db", path, "run", "stress", "--pool", "p", "--deployment", "d", "--owner", owner, "--lease", "30s"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let buffer = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in buffer.append(handle.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while buffer.lines().count < afterLines && process.isRunning && Date() < deadline {
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        pipe.fileHandleForReading.readabilityHandler = nil
        buffer.append(pipe.fileHandleForReading.readDataToEndOfFile())
        #expect(process.terminationReason == .uncaughtSignal, "the stress process ended by itself")
        return buffer.lines()
    }
}

/// Bytes read from a child's stdout on the pipe's reader thread.
final class OutputBuffer: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }

    /// Complete lines only: a line cut by the kill is not counted.
    func lines() -> [String] {
        let text = data.withLock { String(decoding: $0, as: UTF8.self) }
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()
        return lines
    }
}
