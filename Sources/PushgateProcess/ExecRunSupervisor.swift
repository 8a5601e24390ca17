import Foundation
import Glibc
import PushgateCore

/// `pushgate exec-run DIR`: the supervisor of one attempt (docs/provider-apis.md §6.2). The first stage,
/// started by the gateway in a new session, starts the second detached (so it is nobody's zombie) and
/// exits. The second records itself and the command (pid and start time) atomically, pumps the command's
/// output into rotated segments, escalates a cancel to SIGKILL after the grace period, and records the exit
/// status atomically before it releases the attempt lock it inherited on fd 3.
package enum ExecRunSupervisor {
    /// The fd the attempt lock is handed over on.
    package static let lockDescriptor: Int32 = 3

    /// Runs a stage and returns the process exit status; messages go to stderr (the supervisor log).
    package static func main(_ arguments: [String]) -> Int32 {
        do {
            switch arguments.first {
            case "--supervise":
                guard arguments.count == 2 else { throw UsageFailure() }
                try supervise(arguments[1])
            case let directory? where arguments.count == 1:
                try detach(directory)
            default:
                throw UsageFailure()
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("pushgate exec-run: \(error)\n".utf8))
            return 1
        }
    }

    /// Arguments the gateway never passes: `exec-run` is started by process pools, not by hand.
    struct UsageFailure: Error, CustomStringConvertible {
        var code = "usage"
        var message = "usage: pushgate exec-run DIR (started by a process pool, not by hand)"
        var description: String { message }
    }

    /// Stage one: start stage two with the same fds, then exit.
    static func detach(_ directory: String) throws {
        closeOnExec(above: lockDescriptor)
        guard let executable = PosixProcessSupervisorClient.currentExecutable() else { throw PosixError("readlink", "/proc/self/exe") }
        let spawn = Spawn(
            arguments: [executable, "exec-run", "--supervise", directory],
            environment: ProcessInfo.processInfo.environment,
            grouping: .newGroup
        )
        _ = try spawn.start()
    }

    /// Stage two: run the command to its end and record it.
    static func supervise(_ directory: String) throws {
        // The command must not inherit the lock (a free lock means "the supervisor is gone"), nor anything else.
        closeOnExec(above: 2)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { Glibc.signal(signal, SIG_IGN) }
        let specPath = directory + "/" + AttemptFiles.spec
        guard let data = try FileIO.read(specPath), let json = try? JSONValue.parse(data), let spec = ProcessLaunchSpec(json: json) else {
            throw PosixError("read", specPath, code: EINVAL)
        }
        let writer = RotatingLogWriter(directory: directory, policy: spec.logs)
        try FileIO.writeAtomically(Data("starting\n".utf8), to: directory + "/" + AttemptFiles.starting)
        if spec.workingDirectory == directory + "/work" { try FileIO.makeDirectories(spec.workingDirectory) }

        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw PosixError("pipe", directory) }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        let command: Int32
        do {
            guard chdir(spec.workingDirectory) == 0 else { throw PosixError("chdir", spec.workingDirectory) }
            var spawn = Spawn(arguments: spec.arguments, environment: spec.environment, grouping: .newGroup)
            spawn.searchPath = true
            spawn.opens = [(0, "/dev/null", O_RDONLY)]
            spawn.descriptors = [(writeEnd, 1), (writeEnd, 2)]
            command = try spawn.start()
        } catch {
            // Like a shell: a command that cannot be started exits 127, with the reason in its output.
            try writer.append(Data("pushgate exec-run: \(error)\n".utf8))
            try record(ProcessOutcome(exitCode: 127), directory)
            return
        }
        close(writeEnd)
        let started = ProcessStartRecord(
            supervisor: ProcTable.current(),
            command: ProcessIdentity(pid: command, startTime: ProcTable.statLine(command).flatMap(ProcessIdentity.startTime(statLine:)) ?? 0)
        )
        try FileIO.writeAtomically(started.json.data(), to: directory + "/" + AttemptFiles.started)

        var status: Int32 = 0
        var exited = false
        var killAt: Date?
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var pipeOpen = true
        while !exited {
            if pipeOpen {
                var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                _ = poll(&poller, 1, 100)
                pipeOpen = try drain(readEnd, into: writer, buffer: &buffer)
            } else {
                usleep(100_000)
            }
            if waitpid(command, &status, WNOHANG) == command { exited = true }
            if killAt == nil && FileIO.exists(directory + "/" + AttemptFiles.cancelRequested) {
                kill(-command, SIGTERM)
                killAt = Date().addingTimeInterval(spec.killGrace)
            }
            if let deadline = killAt, Date() >= deadline { kill(-command, SIGKILL) }
        }
        // After a cancel nothing of the group may stay behind.
        if killAt != nil { kill(-command, SIGKILL) }
        if pipeOpen { _ = try drain(readEnd, into: writer, buffer: &buffer) }
        close(readEnd)
        try record(ProcessOutcome(waitStatus: status), directory)
    }

    /// Reads what the pipe holds now; false once every writer closed it.
    static func drain(_ fd: Int32, into writer: RotatingLogWriter, buffer: inout [UInt8]) throws -> Bool {
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                try writer.append(Data(buffer[0..<n]))
                continue
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            return true  // EAGAIN: nothing more for now
        }
    }

    static func record(_ outcome: ProcessOutcome, _ directory: String) throws {
        try FileIO.writeAtomically(outcome.json.data(), to: directory + "/" + AttemptFiles.outcome)
    }

    /// Marks every fd above `keep` close-on-exec, so the gateway's sockets and database do not live on in
    /// the next stage or the command. Not closed here: the Swift runtime's own fds (libdispatch) are among them.
    static func closeOnExec(above keep: Int32) {
        let open = ((try? FileIO.names(in: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        for fd in open where fd > keep {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
