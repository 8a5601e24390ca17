import Foundation
import Glibc
import PushgateCore

/// The real process IO of `process` pools: attempt directories on disk, `/proc` for identities, and
/// `pushgate exec-run` started in its own session as each command's supervisor (docs/provider-apis.md §6.2).
package struct PosixProcessSupervisorClient: ProcessSupervisorClient {
    /// The `pushgate` executable started as supervisor.
    package var executablePath: String
    /// The supervisor's own environment (the command's is in its spec).
    package var environment: [String: String]

    package init(executablePath: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.executablePath = executablePath
        self.environment = environment
    }

    /// This process's executable (`/proc/self/exe`), for wiring the supervisor to the running binary.
    package static func currentExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package func createAttempt(_ directory: String) throws -> Bool {
        let parent = String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)])
        if !parent.isEmpty { try FileIO.makeDirectories(parent) }
        if mkdir(directory, 0o700) == 0 { return true }
        if errno == EEXIST { return false }
        throw PosixError("mkdir", directory)
    }

    package func launch(_ spec: ProcessLaunchSpec, in directory: String) throws -> Bool {
        guard let lock = try AttemptLock.acquire(directory + "/" + AttemptFiles.lock) else { return false }
        defer { close(lock) }
        for name in [AttemptFiles.starting, AttemptFiles.started, AttemptFiles.outcome] where FileIO.exists(directory + "/" + name) {
            return false
        }
        try FileIO.writeAtomically(spec.json.data(), to: directory + "/" + AttemptFiles.spec)
        var spawn = Spawn(arguments: [executablePath, "exec-run", directory], environment: environment, grouping: .newSession)
        spawn.opens = [
            (0, "/dev/null", O_RDONLY),
            (1, directory + "/" + AttemptFiles.supervisorLog, O_WRONLY | O_CREAT | O_APPEND),
            (2, directory + "/" + AttemptFiles.supervisorLog, O_WRONLY | O_CREAT | O_APPEND),
        ]
        spawn.descriptors = [(lock, ExecRunSupervisor.lockDescriptor)]
        let pid = try spawn.start()
        // The first stage only starts the detached supervisor and exits: reaping it leaves no zombie.
        let status = Spawn.wait(pid)
        guard ProcessOutcome(waitStatus: status) == ProcessOutcome(exitCode: 0) else {
            throw PosixError("exec-run", directory, code: EIO)
        }
        return true
    }

    package func observe(_ directory: String) throws -> ProcessAttemptObservation? {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw PosixError("stat", directory)
        }
        // The lock first: once it is free, the outcome (written before it is released) is final.
        let held = try AttemptLock.isHeld(directory + "/" + AttemptFiles.lock)
        let started = try FileIO.read(directory + "/" + AttemptFiles.started).flatMap { try? JSONValue.parse($0) }.flatMap(
            ProcessStartRecord.init(json:)
        )
        let outcome = try FileIO.read(directory + "/" + AttemptFiles.outcome).flatMap { try? JSONValue.parse($0) }.flatMap(ProcessOutcome.init(json:))
        return ProcessAttemptObservation(
            lockHeld: held,
            starting: FileIO.exists(directory + "/" + AttemptFiles.starting),
            started: started,
            outcome: outcome,
            commandStartTimeNow: started.flatMap { ProcTable.startTime($0.command.pid) },
            cancelRequested: FileIO.exists(directory + "/" + AttemptFiles.cancelRequested)
        )
    }

    package func markCancelRequested(_ directory: String) throws {
        try FileIO.writeAtomically(Data("cancel\n".utf8), to: directory + "/" + AttemptFiles.cancelRequested)
    }

    package func signal(_ process: ProcessIdentity, _ signal: Int32, group: Bool) throws -> Bool {
        // A pid held by a process with another start time was recycled: never signal it or its group. A group
        // whose leader ended keeps its number while members remain, so they are still the command's.
        let now = ProcTable.startTime(process.pid)
        guard process.isAlive(currentStartTime: now) || (group && now == nil && !ProcTable.members(ofGroup: process.pid).isEmpty)
        else { return false }
        if kill(group ? -process.pid : process.pid, signal) == 0 { return true }
        if errno == ESRCH { return false }
        throw PosixError("kill", "\(process)")
    }

    package func readOutput(_ directory: String, from offset: Int, maxBytes: Int) throws -> ProcessOutputRead {
        let policy =
            try FileIO.read(directory + "/" + AttemptFiles.spec).flatMap { try? JSONValue.parse($0) }
            .flatMap(ProcessLaunchSpec.init(json:))?.logs ?? .standard
        let segments = try FileIO.names(in: directory).compactMap(LogRotationPolicy.segmentIndex).sorted()
        guard let oldest = segments.first, let newest = segments.last else {
            return ProcessOutputRead(bytes: Data(), start: 0, end: 0, total: 0)
        }
        let total = newest * policy.segmentBytes + (FileIO.size(directory + "/" + LogRotationPolicy.segmentName(newest)) ?? 0)
        let (firstSegment, position) = policy.readStart(offset: min(offset, total), oldestSegment: oldest)
        let start = firstSegment * policy.segmentBytes + position
        var bytes = Data()
        var segment = firstSegment
        var skip = position
        while bytes.count < maxBytes && segment <= newest {
            if let data = try FileIO.read(directory + "/" + LogRotationPolicy.segmentName(segment)), data.count > skip {
                bytes.append(data[data.startIndex + skip..<data.startIndex + min(data.count, skip + maxBytes - bytes.count)])
            }
            skip = 0
            segment += 1
        }
        return ProcessOutputRead(bytes: bytes, start: start, end: start + bytes.count, total: total)
    }
}
