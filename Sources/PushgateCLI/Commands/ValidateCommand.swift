enum ValidateCommand: CLICommand {
    static let name = "validate"
    static let summary = "check base job templates"
    static let help = "usage: pushgate validate FILE... [--type TYPE]"
    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode { .usage }
}
