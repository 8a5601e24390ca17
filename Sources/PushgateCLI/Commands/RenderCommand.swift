enum RenderCommand: CLICommand {
    static let name = "render"
    static let summary = "render a template's job_configuration"
    static let help = "usage: pushgate render --template FILE"
    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode { .usage }
}
