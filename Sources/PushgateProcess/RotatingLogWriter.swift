import Foundation
import Glibc
import PushgateCore

/// Appends a command's output to numbered segments in its attempt directory, never more than
/// ``LogRotationPolicy/segmentBytes`` a segment, deleting the oldest beyond the kept number.
package final class RotatingLogWriter {
    private let directory: String
    private let policy: LogRotationPolicy
    private var offset = 0
    private var segment = -1
    private var fd: Int32 = -1

    package init(directory: String, policy: LogRotationPolicy) {
        self.directory = directory
        self.policy = policy
    }

    deinit { if fd >= 0 { close(fd) } }

    package func append(_ data: Data) throws {
        var consumed = 0
        for piece in policy.pieces(offset: offset, count: data.count) {
            if piece.segment != segment { try open(piece.segment) }
            try FileIO.writeAll(fd, data.subdata(in: consumed..<consumed + piece.bytes), path: LogRotationPolicy.segmentName(segment))
            consumed += piece.bytes
            offset += piece.bytes
        }
    }

    private func open(_ next: Int) throws {
        if fd >= 0 { close(fd) }
        let path = directory + "/" + LogRotationPolicy.segmentName(next)
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PosixError("open", path) }
        segment = next
        if let expired = policy.expired(whenStarting: next) { unlink(directory + "/" + LogRotationPolicy.segmentName(expired)) }
    }
}
