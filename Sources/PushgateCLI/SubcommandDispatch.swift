/// The parse, pick and report steps the pool, queue, deployment and run commands share, so each only
/// names its options and maps subcommand words to functions.
enum SubcommandDispatch {
    /// One subcommand: the parsed arguments, its name for messages (`pool create`) and the context.
    typealias Subcommand = (ParsedArguments, String, CommandContext) async throws -> ExitCode

    /// A subcommand and the options it applies: any other option given is refused before it runs, so
    /// no option is ever accepted and silently ignored.
    struct Entry {
        var body: Subcommand
        var accepts: Set<String>

        init(_ body: @escaping Subcommand, accepts: Set<String> = []) {
            self.body = body
            self.accepts = accepts
        }
    }

    /// Parses `arguments` for the command `name`, runs the subcommand its first positional names, and maps
    /// every failure to one line and an exit status; a missing or unknown subcommand is a usage error.
    static func run(
        _ name: String,
        _ arguments: [String],
        valueOptions: Set<String>,
        flagOptions: Set<String>,
        context: CommandContext,
        subcommand: (String) -> Entry?
    ) async -> ExitCode {
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(arguments, valueOptions: valueOptions, flagOptions: flagOptions)
        } catch {
            return CommandErrorReport.report(name, error, context)
        }
        guard let sub = parsed.positionals.first else {
            context.error("pushgate \(name): missing subcommand (see 'pushgate \(name) --help')")
            return .usage
        }
        guard let entry = subcommand(sub) else {
            context.error("pushgate \(name): unknown subcommand '\(sub)' (see 'pushgate \(name) --help')")
            return .usage
        }
        let command = "\(name) \(sub)"
        if let stray = parsed.givenNames.subtracting(entry.accepts).sorted().first {
            context.error("pushgate \(command): option '--\(stray)' does not apply to '\(command)' (see 'pushgate \(name) --help')")
            return .usage
        }
        do {
            return try await entry.body(parsed, command, context)
        } catch {
            return CommandErrorReport.report(command, error, context)
        }
    }

    /// The positionals after the subcommand word, exactly one per entry of `names` (used in the messages).
    static func operands(_ parsed: ParsedArguments, _ names: [String]) throws -> [String] {
        let values = Array(parsed.positionals.dropFirst())
        if values.count < names.count { throw UsageError("missing \(names[values.count])") }
        if values.count > names.count { throw UsageError("unexpected argument '\(values[names.count])'") }
        return values
    }
}
