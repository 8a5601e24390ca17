import Foundation
import PushgateCore
import PushgateProviders

/// `pushgate dry-run`: renders a template (a file, or a stored pool and deployment) for a run exactly as
/// the dispatcher would and prints every request the submission would send, in order, signed where that
/// needs no network, secrets redacted. Nothing is sent: providers get a transport that refuses every call.
enum DryRunCommand: CLICommand {
    static let name = "dry-run"
    static let summary = "print the signed requests a submission would send, secrets redacted; sends nothing"
    static let help = """
        usage: pushgate dry-run --template FILE --type TYPE --credentials FILE --profile NAME
                                [--deployment-vars JSON|@FILE] [--run-vars JSON|@FILE] [--run-id UUID]
                                [--at ISO8601] [--allow-undeclared-variables] [--json]
               pushgate dry-run --pool NAME --deployment NAME [--credentials FILE] [--profile NAME]
                                [--run-vars JSON|@FILE] [--run-id UUID] [--at ISO8601] [--json]

        Merges and validates the job variables, renders the template, injects the run identity (run id,
        deployment, pool), builds the provider from the credentials profile and prints each request:
        method, URL, headers and body. With --pool the template, type, deployment variables and profile come
        from the store (--db / PUSHGATE_DB); --profile overrides the pool's profile.

          --credentials FILE  the credentials file (default: PUSHGATE_CREDENTIALS)
          --run-id UUID       the run id (default: a new one); the idempotency key derives from it
          --at TIME           sign at this time (default: now). SigV4 signatures are printed only when
                              TIME is more than 15 minutes from now, so the output cannot be replayed;
                              otherwise Signature=<redacted>
          --json              an array of {"method","url","headers","body"}
          --allow-undeclared-variables  drop variables the template does not declare (as Prefect does)
                              instead of refusing them; with --pool the pool's own rule applies

        Secrets from the credentials file never appear: session tokens and bearer tokens are redacted,
        token requests show <redacted> for client secrets and assertions.

        exit status: 0 printed, 1 invalid template, variables, profile or configuration (one line per
        problem), 2 usage or I/O error (including an unreadable credentials file)
        """

    /// A signature is shown only when AWS would refuse to replay it (it allows 5 minutes of skew).
    static let replayWindow: TimeInterval = 900

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(
                arguments,
                valueOptions: [
                    "template", "type", "credentials", "profile", "deployment-vars", "run-vars", "run-id", "at", "pool", "deployment",
                ],
                flagOptions: ["json", "allow-undeclared-variables"]
            )
            if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        } catch {
            context.error("pushgate dry-run: \(error)")
            return .usage
        }
        do {
            let input = try await Input.load(parsed, context: context)
            return try await emit(input, parsed: parsed, context: context)
        } catch let error as TemplateError {
            for problem in error.problems { context.print(problem.description) }
            return .failure
        } catch let error as ProviderError where error.code == .invalidConfiguration {
            for line in error.message.split(separator: "\n") { context.print(String(line)) }
            return .failure
        } catch {
            return CommandErrorReport.report("dry-run", error, context)
        }
    }

    private static func emit(_ input: Input, parsed: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let http = RefusingHTTPClient()
        let provider = try input.registration.makeProvider(
            .init(
                credentials: input.credentials,
                profile: input.profile,
                http: http,
                clock: StoppedClock(time: input.job.now),
                environment: context.environment,
                local: DataDirectory.local(context, path: DataDirectory.path(context))
            )
        )
        let problems = provider.validate(input.job)
        if !problems.isEmpty {
            for problem in problems { context.print(problem.description) }
            return .failure
        }
        let keepSignature = parsed.option("at") != nil && abs(input.job.now.timeIntervalSinceNow) > replayWindow
        let steps = try await provider.dryRunSteps(input.job).map { step -> DryRunStep in
            guard case .request(let request) = step else { return step }
            return .request(Redaction.redact(request, keepSignature: keepSignature))
        }
        if parsed.flag("json") {
            context.print(JSONValue.array(steps.map(json)).serialized(pretty: true))
        } else {
            let requests = steps.compactMap(\.request)
            for (index, step) in steps.enumerated() {
                switch step {
                case .request(let request):
                    context.print("# request \(index + 1) of \(steps.count)")
                    context.print(text(request))
                case .command(let command):
                    context.print("# command \(index + 1) of \(steps.count)")
                    context.print(text(command))
                }
            }
            let shown = requests.count == steps.count ? "\(requests.count) request(s)" : "\(steps.count) step(s)"
            context.print("# \(input.registration.kind.rawValue) run \(input.job.runID): \(shown) shown; nothing was sent")
        }
        return .success
    }

    /// A request as below; a command as `{"command": [words], "working_dir", "env": ["NAME=value"], "notes"}`.
    static func json(_ step: DryRunStep) -> JSONValue {
        switch step {
        case .request(let request): return json(request)
        case .command(let command):
            return [
                "command": .array(command.arguments.map { .string($0) }), "working_dir": .string(command.workingDirectory),
                "env": .array(command.environment.map { .string($0) }), "notes": .array(command.notes.map { .string($0) }),
            ]
        }
    }

    /// The command line shell-quoted, then the working directory, the environment and the notes.
    static func text(_ command: DryRunStep.CommandPreview) -> String {
        var lines = [
            "$ " + command.arguments.map(ShellQuoting.quote).joined(separator: " "), "working directory: \(command.workingDirectory)", "environment:",
        ]
        lines += command.environment.map { "  " + $0 }
        lines += command.notes.map { "# " + $0 }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// `{"method","url","headers","body"}`; a body that is not UTF-8 is base64 with `"bodyEncoding":"base64"`.
    static func json(_ request: HTTPRequest) -> JSONValue {
        var headers: [String: JSONValue] = [:]
        for field in request.headers { headers[field.name] = .string(field.value) }
        var members: [String: JSONValue] = [
            "method": .string(request.method), "url": .string(request.url), "headers": .object(headers),
        ]
        if let socket = request.connection?.unixSocketPath { members["unixSocket"] = .string(socket) }
        if let text = String(data: request.body, encoding: .utf8) {
            members["body"] = .string(text)
        } else {
            members["body"] = .string(request.body.base64EncodedString())
            members["bodyEncoding"] = "base64"
        }
        return .object(members)
    }

    /// The request as HTTP/1.1 text; JSON bodies pretty-printed (the signature covers the compact bytes
    /// that `--json` shows). A request sent over a unix socket (the Docker Engine API) names it first.
    static func text(_ request: HTTPRequest) -> String {
        var lines = request.connection?.unixSocketPath.map { ["# over unix socket \($0)"] } ?? []
        lines.append("\(request.method) \(request.url)")
        for field in request.headers { lines.append("\(field.name): \(field.value)") }
        lines.append("")
        if request.body.isEmpty {
            lines.append("(no body)")
        } else if let value = try? JSONValue.parse(request.body) {
            lines.append(value.serialized(pretty: true))
        } else if let body = String(data: request.body, encoding: .utf8) {
            lines.append(body)
        } else {
            lines.append("(\(request.body.count) bytes of binary body, base64) " + request.body.base64EncodedString())
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
