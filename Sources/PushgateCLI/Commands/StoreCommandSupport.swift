import Foundation
import PushgateCore
import PushgateStore

/// What the pool, queue, deployment and run commands share: opening the store named by `--db` /
/// `PUSHGATE_DB`, finding default templates, parsing times and limits, and turning errors into one line
/// and an exit status.
enum StoreCommandSupport {
    /// `--db`, else `PUSHGATE_DB`, else `./pushgate.db`.
    static func databasePath(_ context: CommandContext) -> String {
        context.environment["PUSHGATE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./pushgate.db"
    }

    /// Opens the store: a `postgres://` / `postgresql://` URL or libpq key=value string opens PostgreSQL, anything
    /// else is an SQLite path; `PUSHGATE_DB_BUSY_TIMEOUT` (seconds) overrides how long an SQLite write waits
    /// for a lock.
    static func openStore(_ context: CommandContext) async throws -> any Store {
        var configuration = SQLiteStore.Configuration()
        if let text = context.environment["PUSHGATE_DB_BUSY_TIMEOUT"], let seconds = Double(text), seconds >= 0 {
            configuration.busyTimeout = seconds
        }
        return try await StoreFactory.open(databasePath(context), sqlite: configuration)
    }

    /// Runs `body` with an open store and maps every failure to one line on stderr and an exit status:
    /// 1 for rejected input (unknown name, duplicate, bad value, refused transition), 2 for usage and I/O
    /// problems (bad flags, unreadable files, locked or corrupt database).
    static func withStore(
        _ command: String,
        _ context: CommandContext,
        _ body: (any Store) async throws -> ExitCode
    ) async -> ExitCode {
        do {
            let store = try await openStore(context)
            let status = try await body(store)
            await store.close()
            return status
        } catch {
            return report(command, error, context)
        }
    }

    /// One subcommand: the parsed arguments, its name for messages (`pool create`) and the context.
    typealias Subcommand = (ParsedArguments, String, CommandContext) async throws -> ExitCode

    /// Parses `arguments` for the command `name`, runs the subcommand its first positional names, and maps
    /// every failure to one line and an exit status; a missing or unknown subcommand is a usage error.
    static func dispatch(
        _ name: String, _ arguments: [String], valueOptions: Set<String>, flagOptions: Set<String>,
        context: CommandContext, subcommand: (String) -> Subcommand?
    ) async -> ExitCode {
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(arguments, valueOptions: valueOptions, flagOptions: flagOptions)
        } catch {
            return report(name, error, context)
        }
        guard let sub = parsed.positionals.first else {
            context.error("pushgate \(name): missing subcommand (see 'pushgate \(name) --help')")
            return .usage
        }
        guard let body = subcommand(sub) else {
            context.error("pushgate \(name): unknown subcommand '\(sub)' (see 'pushgate \(name) --help')")
            return .usage
        }
        let command = "\(name) \(sub)"
        do {
            return try await body(parsed, command, context)
        } catch {
            return report(command, error, context)
        }
    }

    static func report(_ command: String, _ error: any Error, _ context: CommandContext) -> ExitCode {
        switch error {
        case let error as StoreError:
            context.error("pushgate \(command): \(error.message)")
            switch error.code {
            case .busy, .corrupt, .io, .schemaTooNew, .backend: return .usage
            case .notFound, .alreadyExists, .invalidInput, .conflict, .invalidTransition, .leaseNotHeld: return .failure
            }
        case let error as UsageError:
            context.error("pushgate \(command): \(error.description)")
            return .usage
        case let error as InputError:
            context.error("pushgate \(command): \(error.message)")
            return .failure
        case JSONArgument.Failure.io(let message):
            context.error("pushgate \(command): \(message)")
            return .usage
        case JSONArgument.Failure.invalid(let problem):
            context.error("pushgate \(command): \(problem.description)")
            return .failure
        default:
            context.error("pushgate \(command): \(error)")
            return .usage
        }
    }

    // MARK: Arguments

    /// `N` (≥ 0) or `none`.
    static func limit(_ text: String, option: String) throws -> Int? {
        if text.lowercased() == "none" { return nil }
        guard let value = Int(text) else { throw UsageError("\(option) expects a number or 'none', got '\(text)'") }
        guard value >= 0 else { throw InputError("\(option) must be 0 or more, got \(value)") }
        return value
    }

    static func optionalLimit(_ parsed: ParsedArguments, _ name: String) throws -> Int? {
        try parsed.option(name).flatMap { try limit($0, option: "--\(name)") }
    }

    /// Exactly `count` positionals after the subcommand word.
    static func positionals(_ parsed: ParsedArguments, _ names: [String]) throws -> [String] {
        let values = Array(parsed.positionals.dropFirst())
        if values.count < names.count { throw UsageError("missing \(names[values.count])") }
        if values.count > names.count { throw UsageError("unexpected argument '\(values[names.count])'") }
        return values
    }

    /// Parses an RFC 3339 / ISO 8601 time, with or without fractional seconds.
    static func parseTime(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        throw UsageError("'\(text)' is not an ISO 8601 time such as 2026-01-01T12:00:00Z")
    }

    /// Parses a duration such as `90s`, `5m`, `1h30m`, `2d` or plain seconds.
    static func parseDuration(_ text: String) throws -> TimeInterval {
        if let seconds = Double(text), seconds >= 0 { return seconds }
        var total: Double = 0
        var number = ""
        var sawUnit = false
        for character in text {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            let unit: Double
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: throw UsageError("'\(text)' is not a duration such as 30s, 5m, 1h30m or 2d")
            }
            guard let value = Double(number) else { throw UsageError("'\(text)' is not a duration such as 30s, 5m, 1h30m or 2d") }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { throw UsageError("'\(text)' is not a duration such as 30s, 5m, 1h30m or 2d") }
        return total
    }

    static func format(_ date: Date?) -> String { date.map(ModelJSON.timestamp) ?? "-" }

    /// Left-aligned columns separated by two spaces.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    // MARK: Templates

    /// The folders searched for default templates: `PUSHGATE_TEMPLATES`, then `templates/` beside the
    /// executable or any folder above it (a checkout's build directory), then `./templates`.
    static func templateDirectories(_ context: CommandContext) -> [URL] {
        var result: [URL] = []
        if let configured = context.environment["PUSHGATE_TEMPLATES"], !configured.isEmpty {
            result.append(URL(fileURLWithPath: configured))
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            result.append(directory.appendingPathComponent("templates"))
            directory.deleteLastPathComponent()
        }
        result.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("templates"))
        return result
    }

    /// Loads and validates a pool's base job template: `file`, or the type's default from `templates/`.
    /// Returns the canonical JSON text to store.
    static func loadTemplate(file: String?, type: ProviderType, _ context: CommandContext) throws -> String {
        let path: String
        if let file {
            path = file
        } else {
            let name = type.kind.defaultTemplateFileName
            guard
                let found = templateDirectories(context).map({ $0.appendingPathComponent(name).path })
                    .first(where: { FileManager.default.fileExists(atPath: $0) })
            else {
                throw InputError("no default template '\(name)' found (set PUSHGATE_TEMPLATES or pass --template FILE)")
            }
            path = found
        }
        let data = try JSONArgument.readFile(path, limit: BaseJobTemplate.maxBytes)
        let template: BaseJobTemplate
        do {
            template = try BaseJobTemplate(data: data, file: path)
        } catch {
            throw InputError(problems: error.problems, what: "invalid template")
        }
        let problems = template.problems(for: type)
        if !problems.isEmpty { throw InputError(problems: problems, what: "template does not fit \(type.kind.rawValue)") }
        return template.document.serialized()
    }

    /// Checks deployment and run job variables against the pool's template (run creation requires every
    /// required variable to be set by then).
    static func validateJobVariables(
        pool: WorkPool,
        deployment: (value: JSONValue?, source: String),
        run: (value: JSONValue?, source: String)?,
        _ context: CommandContext
    ) throws {
        let template: BaseJobTemplate
        do {
            template = try BaseJobTemplate(data: Data(pool.baseJobTemplate.utf8), file: "pool '\(pool.name)' template")
        } catch {
            throw InputError(problems: error.problems, what: "pool '\(pool.name)' has an invalid template")
        }
        let problems = template.validateJobVariables(
            deployment: .init(deployment.value, name: deployment.source),
            run: .init(run?.value, name: run?.source ?? "run"),
            requireAll: run != nil
        )
        if !problems.isEmpty { throw InputError(problems: problems, what: "invalid job variables") }
    }
}

/// Input a command rejects before touching the store (exit 1).
struct InputError: Error {
    var message: String

    init(_ message: String) { self.message = message }

    /// One line: the first problem, and how many more there are.
    init(problems: [TemplateProblem], what: String) {
        let first = problems.first.map(\.description) ?? "unknown problem"
        message = "\(what): \(first)" + (problems.count > 1 ? " (and \(problems.count - 1) more)" : "")
    }
}
