import Foundation
import Glibc

/// `posix_spawn` with the few settings the supervisor chain needs: a new session or a new process group,
/// default signal dispositions and an empty signal mask, and fds set up by dup2.
package struct Spawn {
    package enum Grouping {
        /// `setsid()` in the child: its own session and process group (the supervisor).
        case newSession
        /// `setpgid(0, 0)` in the child: its own process group (the command).
        case newGroup
    }

    package var arguments: [String]
    package var environment: [String: String]
    package var grouping: Grouping
    /// `(from, to)`: `from` is dup2-ed onto `to` in the child.
    package var descriptors: [(Int32, Int32)] = []
    /// Paths opened onto fds in the child: `(fd, path, flags)`.
    package var opens: [(Int32, String, Int32)] = []
    /// Look `arguments[0]` up in PATH.
    package var searchPath = false

    package init(arguments: [String], environment: [String: String], grouping: Grouping) {
        self.arguments = arguments
        self.environment = environment
        self.grouping = grouping
    }

    static let setSID: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc 2.26)

    /// Starts the process; throws naming the program when it cannot be started.
    package func start() throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, path, flags) in opens { posix_spawn_file_actions_addopen(&actions, fd, path, flags, 0o600) }
        for (from, to) in descriptors { posix_spawn_file_actions_adddup2(&actions, from, to) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        switch grouping {
        case .newSession: flags |= Self.setSID
        case .newGroup:
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in 1...31 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, Int32(signal)) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result =
            searchPath
            ? posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
            : posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw PosixError("posix_spawn", arguments[0], code: result) }
        return pid
    }

    /// Waits for `pid` and returns its wait status.
    package static func wait(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
