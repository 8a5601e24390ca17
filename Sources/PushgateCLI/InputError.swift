import PushgateCore

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
