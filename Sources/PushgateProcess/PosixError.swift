import Glibc

/// A failed system call, naming the call and the path it was about (never file contents).
package struct PosixError: Error, Sendable, CustomStringConvertible {
    package var code: Int32
    package var message: String

    package init(_ call: String, _ subject: String, code: Int32 = errno) {
        self.code = code
        message = "\(call) \(subject): \(String(cString: strerror(code)))"
    }

    package var description: String { message }
}
