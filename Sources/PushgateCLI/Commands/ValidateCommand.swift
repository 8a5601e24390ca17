import Foundation
import PushgateCore
import PushgateRegistry

/// `pushgate validate FILE... [--type TYPE]`: checks base job templates and reports every problem.
enum ValidateCommand: CLICommand {
    static let name = "validate"
    static let summary = "check base job templates (every problem, with its place)"
    static let help = """
        usage: pushgate validate FILE... [--type TYPE] [--json]     (FILE '-' reads standard input)
               pushgate [--db PATH] validate --against POOL FILE [--json]

        Checks that each FILE is a valid base job template: JSON well-formed (at most \(BaseJobTemplate.maxBytes) bytes,
        nesting at most \(BaseJobTemplate.maxDepth) deep), 'job_configuration' and 'variables' present, every placeholder
        declared in variables.properties, no $ENV / prefect.blocks.* / prefect.variables.* placeholders, every
        $ref resolvable, every default valid against its schema.

        options:
          --type TYPE   also require the keys that TYPE's provider needs (\(ProviderRegistry.catalog.supportedTypes);
                        the worker types ecs, cloud-run-v2, azure-container-instance are accepted too)
          --against POOL  check FILE as POOL's next template (its type's keys included), then list every
                        deployment of the pool and every run not yet submitted that it would no longer fit:
                        what `pool update POOL --template FILE` would refuse. Changes nothing.
          --json        print the problems as a JSON array of {file, path, line, column, code, message}
                        (with --against, of {deployment, run_id, problems})

        Each problem prints as 'FILE: JSON.PATH: message', or 'FILE:LINE:COLUMN: message' for malformed JSON;
        a valid file prints 'FILE: OK'.
        exit status: 0 all valid, 1 problems found, 2 usage or I/O error
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(arguments, valueOptions: ["type", "against"], flagOptions: ["json"])
        } catch {
            context.error("pushgate validate: \(error)")
            return .usage
        }
        guard !parsed.positionals.isEmpty else {
            context.error("pushgate validate: missing FILE (see 'pushgate validate --help')")
            return .usage
        }
        if let pool = parsed.option("against") {
            guard parsed.positionals.count == 1, parsed.option("type") == nil else {
                context.error("pushgate validate: --against POOL takes one FILE and no --type (the pool's type applies)")
                return .usage
            }
            return await against(pool, file: parsed.positionals[0], parsed, context)
        }
        var type: ProviderType?
        if let name = parsed.option("type") {
            guard let known = ProviderRegistry.catalog.type(forPoolType: name) else {
                context.error("pushgate validate: unknown type '\(name)' (supported: \(ProviderRegistry.catalog.supportedTypes))")
                return .usage
            }
            type = known
        }
        var problems: [TemplateProblem] = []
        var valid: Set<String> = []
        var ioFailed = false
        for argument in parsed.positionals {
            let file = argument == "-" ? "<stdin>" : argument
            do {
                let data: Data
                if argument == "-" {
                    data = context.readInput()
                    if data.count > BaseJobTemplate.maxBytes {
                        throw TemplateError([TemplateProblem(.tooLarge, file: file, path: .root, "larger than \(BaseJobTemplate.maxBytes) bytes")])
                    }
                } else {
                    data = try JSONArgument.readFile(file, limit: BaseJobTemplate.maxBytes)
                }
                let template = try BaseJobTemplate(data: data, file: file)
                let found = type.map { template.problems(for: $0) } ?? []
                problems += found
                if found.isEmpty { valid.insert(file) }
            } catch let error as TemplateError {
                problems += error.problems
            } catch JSONArgument.Failure.invalid(let problem) {
                problems.append(problem)
            } catch JSONArgument.Failure.io(let message) {
                context.error("pushgate validate: \(message)")
                ioFailed = true
            } catch {
                context.error("pushgate validate: \(file): \(error)")
                ioFailed = true
            }
        }
        if parsed.flag("json") {
            context.print(JSONValue.array(problems.map(\.jsonValue)).serialized(pretty: true))
        } else {
            // In argument order: each file's problems, or its OK line.
            for argument in parsed.positionals {
                let file = argument == "-" ? "<stdin>" : argument
                if valid.contains(file) { context.print("\(file): OK") }
                for problem in problems where problem.file == file { context.print(problem.description) }
            }
            let named = Set(parsed.positionals.map { $0 == "-" ? "<stdin>" : $0 })
            for problem in problems where !named.contains(problem.file) { context.print(problem.description) }
        }
        if ioFailed { return .usage }
        return problems.isEmpty ? .success : .failure
    }

    /// The report of `pool update POOL --template FILE`, without the update (docs/design.md "Enforced interfaces").
    private static func against(_ poolName: String, file: String, _ parsed: ParsedArguments, _ context: CommandContext) async -> ExitCode {
        await StoreAccess.withStore("validate", context) { store in
            let pool = try await store.pool(named: poolName)
            guard let type = ProviderRegistry.catalog.type(forPoolType: pool.type) else {
                throw InputError("pool '\(poolName)' has type '\(pool.type)', which this pushgate does not know")
            }
            let text = try PoolTemplate.load(file: file, type: type, context)
            let report = try await TemplateChangeReport.check(text, file: file, for: pool, in: store)
            PoolCommand.printReport(report, parsed, context)
            if report.isClean && !parsed.flag("json") {
                context.print("\(file) fits every deployment of pool '\(poolName)' and every run not yet submitted")
            }
            return report.isClean ? .success : .failure
        }
    }
}
