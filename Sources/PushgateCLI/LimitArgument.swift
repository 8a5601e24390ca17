/// A concurrency limit as the commands take it: `N` (≥ 0), or `none` for no limit.
enum LimitArgument {
    /// The limit `text` gives `option` (named in the messages), nil for `none`. Not a number is a usage
    /// error; a negative number is rejected input.
    static func parse(_ text: String, option: String) throws -> Int? {
        if text.lowercased() == "none" { return nil }
        guard let value = Int(text) else { throw UsageError("\(option) expects a number or 'none', got '\(text)'") }
        guard value >= 0 else { throw InputError("\(option) must be 0 or more, got \(value)") }
        return value
    }

    /// The limit of option `--name`, nil when it is not given or is `none`.
    static func option(_ parsed: ParsedArguments, _ name: String) throws -> Int? {
        try parsed.option(name).flatMap { try parse($0, option: "--\(name)") }
    }
}
