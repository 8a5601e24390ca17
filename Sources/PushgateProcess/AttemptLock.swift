import Glibc

/// The attempt directory's lock: an open-file-description lock (`F_OFD_SETLK`), which stays with the open
/// file across `posix_spawn` and exec, so the gateway can take it and hand it to the supervisor, and which
/// can be tested (`F_OFD_GETLK`) without taking it.
package enum AttemptLock {
    static let getLock: Int32 = 36  // F_OFD_GETLK
    static let setLock: Int32 = 37  // F_OFD_SETLK

    /// An fd (close-on-exec) holding the write lock of `path`, or nil when another holds it.
    package static func acquire(_ path: String) throws -> Int32? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PosixError("open", path) }
        var request = lockRequest(Int16(F_WRLCK))
        if fcntl(fd, setLock, &request) != 0 {
            let code = errno
            close(fd)
            if code == EAGAIN || code == EACCES { return nil }
            throw PosixError("fcntl(F_OFD_SETLK)", path, code: code)
        }
        return fd
    }

    /// Whether some open file holds the lock of `path` (false when the file does not exist).
    package static func isHeld(_ path: String) throws -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return false }
            throw PosixError("open", path)
        }
        defer { close(fd) }
        var request = lockRequest(Int16(F_WRLCK))
        guard fcntl(fd, getLock, &request) == 0 else { throw PosixError("fcntl(F_OFD_GETLK)", path) }
        return request.l_type != Int16(F_UNLCK)
    }

    private static func lockRequest(_ type: Int16) -> Glibc.flock {
        var request = Glibc.flock()
        request.l_type = type
        request.l_whence = Int16(SEEK_SET)
        request.l_start = 0
        request.l_len = 0
        request.l_pid = 0
        return request
    }
}
