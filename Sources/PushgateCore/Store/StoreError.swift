/// A store failure. The message names the place (pool, queue, deployment, run or database file);
/// `underlyingCode` keeps the backend's result code (an SQLite extended result code, ...) when there is one.
package struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// A named pool, queue, deployment or run does not exist.
        case notFound
        /// A name is taken.
        case alreadyExists
        /// A value is out of range or malformed (limit < 0, priority < 1, bad JSON).
        case invalidInput
        /// The operation conflicts with current data (deleting the default queue, or something in use).
        case conflict
        /// The run's state does not allow the transition (terminal states are final).
        case invalidTransition
        /// The caller does not hold the run's claim lease.
        case leaseNotHeld
        /// Another connection held the write lock for longer than the busy timeout.
        case busy
        /// The file is not a pushgate database, or is damaged.
        case corrupt
        /// The database was written by a newer pushgate.
        case schemaTooNew
        /// The file could not be opened, read or written.
        case io
        /// Anything else the backend reported.
        case backend
    }

    package var code: Code
    package var message: String
    package var underlyingCode: Int32?

    package init(_ code: Code, _ message: String, underlyingCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.underlyingCode = underlyingCode
    }

    package var description: String {
        message + (underlyingCode.map { " (result code \($0))" } ?? "")
    }
}
