/// A provider emulator could not start or was configured wrongly; the message names the setting.
package struct EmulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
