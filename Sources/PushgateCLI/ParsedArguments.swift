/// A usage error: bad flags or arguments. Printed as one line; the command exits 2.
package struct UsageError: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// Command-line arguments split into options, flags and positionals, following common habits:
/// `--name value`, `--name=value`, boolean `--flag`, and `--` to end options.
package struct ParsedArguments: Sendable {
    package private(set) var positionals: [String] = []
    private var options: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// - Parameters:
    ///   - arguments: the arguments after the command name.
    ///   - valueOptions: option names (without `--`) that take a value.
    ///   - flagOptions: option names that take no value. `help` is always accepted.
    package init(_ arguments: [String], valueOptions: Set<String>, flagOptions: Set<String> = []) throws {
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            if argument == "-h" {
                flags.insert("help")
                continue
            }
            guard argument.hasPrefix("--") else { throw UsageError("unknown option '\(argument)'") }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if valueOptions.contains(name) {
                if let inlineValue {
                    options[name, default: []].append(inlineValue)
                } else {
                    guard index < arguments.count else { throw UsageError("option '--\(name)' needs a value") }
                    options[name, default: []].append(arguments[index])
                    index += 1
                }
            } else if flagOptions.contains(name) || name == "help" {
                guard inlineValue == nil else { throw UsageError("option '--\(name)' takes no value") }
                flags.insert(name)
            } else {
                throw UsageError("unknown option '--\(name)'")
            }
        }
    }

    /// Every option and flag given (without `--`), `help` aside: what a subcommand checks against the
    /// options it applies.
    package var givenNames: Set<String> { Set(options.keys).union(flags).subtracting(["help"]) }

    /// The last value given for `name`, if any.
    package func option(_ name: String) -> String? { options[name]?.last }
    /// Every value given for a repeatable option.
    package func options(_ name: String) -> [String] { options[name] ?? [] }
    package func flag(_ name: String) -> Bool { flags.contains(name) }

    /// An integer option, or a usage error naming it.
    package func intOption(_ name: String) throws -> Int? {
        guard let text = option(name) else { return nil }
        guard let value = Int(text) else { throw UsageError("option '--\(name)' expects an integer, got '\(text)'") }
        return value
    }
}
