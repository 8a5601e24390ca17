/// A failed Prefect API call or bridge configuration. The message names the call or the option.
package struct PrefectError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        /// The server answered with an unexpected HTTP status.
        case status
        /// The answer could not be read.
        case malformed
        /// The bridge's configuration is wrong (pool mapping, URL).
        case configuration
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
