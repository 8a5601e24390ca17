import PushgateCore

/// Input a command rejects before touching the store (exit 1).
struct InputError: Error {
    var message: String

    init(_ message: String) { self.message = message }

    /// One line: up to five problems, each with its place, and how many more there are.
    init(problems: [TemplateProblem], what: String) {
        let shown = problems.prefix(5).map(\.description).joined(separator: "; ")
        message = "\(what): \(shown.isEmpty ? "unknown problem" : shown)" + (problems.count > 5 ? " (and \(problems.count - 5) more)" : "")
    }
}
