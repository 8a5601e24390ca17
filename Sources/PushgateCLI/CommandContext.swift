import Foundation
import Synchronization

/// Where a command writes and what it may read from its surroundings; tests capture output with
/// ``CommandContext/capturing(environment:)``.
package struct CommandContext: Sendable {
    package var environment: [String: String]
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    private let readIn: @Sendable () -> Data

    package init(
        environment: [String: String],
        out: @escaping @Sendable (String) -> Void,
        err: @escaping @Sendable (String) -> Void,
        input: @escaping @Sendable () -> Data = { Data() }
    ) {
        self.environment = environment
        self.writeOut = out
        self.writeErr = err
        self.readIn = input
    }

    /// Standard input, read to its end (a file argument of `-`).
    package func readInput() -> Data { readIn() }

    /// Writes a line (a newline is appended) to standard output.
    package func print(_ line: String) { writeOut(line + "\n") }
    /// Writes raw text to standard output.
    package func write(_ text: String) { writeOut(text) }
    /// Writes one line to standard error.
    package func error(_ line: String) { writeErr(line + "\n") }

    /// The process's real standard streams and environment.
    package static func standard() -> CommandContext {
        CommandContext(
            environment: ProcessInfo.processInfo.environment,
            out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
            err: { text in FileHandle.standardError.write(Data(text.utf8)) },
            input: { FileHandle.standardInput.readDataToEndOfFile() }
        )
    }

    /// A context that records what is written, for tests.
    package static func capturing(environment: [String: String] = [:], input: Data = Data()) -> (CommandContext, CapturedOutput) {
        let captured = CapturedOutput()
        let context = CommandContext(
            environment: environment,
            out: { captured.append(out: $0) },
            err: { captured.append(err: $0) },
            input: { input }
        )
        return (context, captured)
    }
}

/// Output recorded by a capturing ``CommandContext``.
package final class CapturedOutput: Sendable {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))
    package var stdout: String { buffers.withLock { $0.out } }
    package var stderr: String { buffers.withLock { $0.err } }
    func append(out text: String) { buffers.withLock { $0.out += text } }
    func append(err text: String) { buffers.withLock { $0.err += text } }
}
