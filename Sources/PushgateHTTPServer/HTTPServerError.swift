/// A failure to start the HTTP server; names the step and keeps the C error number.
package struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`socket`, `bind`, `MHD_start_daemon_va`, …).
    package var operation: String
    package var message: String
    /// `errno` after the failing call, when there is one.
    package var errno: Int32?

    package init(operation: String, message: String, errno: Int32? = nil) {
        self.operation = operation
        self.message = message
        self.errno = errno
    }

    package var description: String {
        "HTTPServer: \(operation) failed: \(message)" + (errno.map { " (errno \($0))" } ?? "")
    }
}
