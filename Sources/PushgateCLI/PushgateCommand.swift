import PushgateProcess

/// The `pushgate` entry point: picks a subcommand and maps its outcome to an exit status.
package enum PushgateCommand {
    /// Every subcommand, in the order `--help` lists them.
    package static let commands: [any CLICommand.Type] = [
        ValidateCommand.self,
        RenderCommand.self,
        PoolCommand.self,
        QueueCommand.self,
        DeploymentCommand.self,
        RunCommand.self,
        CleanupCommand.self,
        PrefectCommand.self,
        DryRunCommand.self,
        ServeCommand.self,
        EmulateCommand.self,
        DemoCommand.self,
        CompletionCommand.self,
    ]

    package static var help: String {
        let width = commands.map { $0.name.count }.max() ?? 0
        let lines = commands.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
        return """
            pushgate: a push-model cloud submission gateway

            usage: pushgate [--db PATH] COMMAND [ARGS...]
                   pushgate COMMAND --help

            commands:
            \(lines.joined(separator: "\n"))

            exit status: 0 success, 1 the checked thing failed, 2 usage or I/O error
            """
    }

    /// Runs `pushgate` with `arguments` (without the program name).
    package static func main(_ arguments: [String], context: CommandContext) async -> ExitCode {
        var arguments = arguments
        var context = context
        // Global options that precede the command.
        while let first = arguments.first, first.hasPrefix("--db") {
            if first == "--db" {
                guard arguments.count >= 2 else {
                    context.error("pushgate: option '--db' needs a value")
                    return .usage
                }
                context.environment["PUSHGATE_DB"] = arguments[1]
                arguments.removeFirst(2)
            } else if first.hasPrefix("--db=") {
                context.environment["PUSHGATE_DB"] = String(first.dropFirst(5))
                arguments.removeFirst()
            } else {
                break
            }
        }
        guard let name = arguments.first else {
            context.error("pushgate: missing command (see 'pushgate --help')")
            return .usage
        }
        if name == "--help" || name == "-h" || name == "help" {
            context.print(help)
            return .success
        }
        // Not in the help: the supervisor `process` pools start (PushgateProcess/ExecRunSupervisor.swift).
        if name == "exec-run" { return ExitCode(rawValue: ExecRunSupervisor.main(Array(arguments.dropFirst()))) ?? .failure }
        if name == "--version" {
            context.print("pushgate 0.1.0")
            return .success
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            context.error("pushgate: unknown command '\(name)' (see 'pushgate --help')")
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            context.print(command.help)
            return .success
        }
        return await command.run(rest, context: context)
    }
}
