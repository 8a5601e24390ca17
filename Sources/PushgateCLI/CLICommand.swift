/// One `pushgate` subcommand. Each lives in its own file under `Commands/` and is listed in
/// ``PushgateCommand/commands``.
package protocol CLICommand: Sendable {
    /// The word that selects the command (`validate`, `pool`, ...).
    static var name: String { get }
    /// One line for `pushgate --help`.
    static var summary: String { get }
    /// The full `--help` text.
    static var help: String { get }
    /// The subcommand words, for shell completion; empty for a command without subcommands.
    static var subcommands: [String] { get }
    /// Runs the command with the arguments after its name and returns the process exit status.
    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode
}

extension CLICommand {
    package static var subcommands: [String] { [] }
}
