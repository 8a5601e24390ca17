import PushgateCore

/// `pushgate render`: the rendered `job_configuration` for a deployment and a run, after merging and
/// validating the variables; what a platform engineer checks before any cloud is involved.
enum RenderCommand: CLICommand {
    static let name = "render"
    static let summary = "render a template's job_configuration for deployment and run variables"
    static let help = """
        usage: pushgate render --template FILE [--deployment-vars JSON|@FILE] [--run-vars JSON|@FILE]
                               [--allow-undeclared-variables]

        Merges the template's variable defaults < deployment job_variables < run job_variables (env merges
        key by key), validates the result against the variables schema (required variables enforced), and
        prints the rendered job_configuration as JSON. This is the template's pure render: env entries set
        to null are shown; a submission drops them. A variable the schema does not declare is refused,
        as a pool refuses it; --allow-undeclared-variables drops it instead, as Prefect does.

        exit status: 0 rendered, 1 invalid template or variables (one 'FILE: JSON.PATH: message' line per
        problem on stdout), 2 usage or I/O error
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(
                arguments,
                valueOptions: ["template", "deployment-vars", "run-vars"],
                flagOptions: ["allow-undeclared-variables"]
            )
        } catch {
            context.error("pushgate render: \(error)")
            return .usage
        }
        guard parsed.positionals.isEmpty else {
            context.error("pushgate render: unexpected argument '\(parsed.positionals[0])'")
            return .usage
        }
        guard let file = parsed.option("template") else {
            context.error("pushgate render: missing --template FILE (see 'pushgate render --help')")
            return .usage
        }
        do {
            let template = try BaseJobTemplate(data: try JSONArgument.readFile(file, limit: BaseJobTemplate.maxBytes), file: file)
            let deployment = try parsed.option("deployment-vars").map { try JSONArgument.load($0, option: "--deployment-vars") }
            let run = try parsed.option("run-vars").map { try JSONArgument.load($0, option: "--run-vars") }
            let deploymentLayer = BaseJobTemplate.VariableSource(deployment?.value, name: deployment?.source ?? "--deployment-vars")
            let runLayer = BaseJobTemplate.VariableSource(run?.value, name: run?.source ?? "job variables (no --run-vars given)")
            let rendered = try template.render(
                deployment: deploymentLayer,
                run: runLayer,
                undeclared: parsed.flag("allow-undeclared-variables") ? .drop : .refuse
            )
            context.print(rendered.serialized(pretty: true))
            return .success
        } catch let error as TemplateError {
            for problem in error.problems { context.print(problem.description) }
            return .failure
        } catch JSONArgument.Failure.invalid(let problem) {
            context.print(problem.description)
            return .failure
        } catch JSONArgument.Failure.io(let message) {
            context.error("pushgate render: \(message)")
            return .usage
        } catch {
            context.error("pushgate render: \(error)")
            return .usage
        }
    }
}
