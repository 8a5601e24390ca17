/// One problem found in a template or in job variables, printed as `FILE: JSON.PATH: message`, or as
/// `FILE:LINE:COLUMN: message` when the JSON text itself is malformed.
package struct TemplateProblem: Sendable, Hashable, CustomStringConvertible {
    package enum Code: String, Sendable {
        case malformedJSON
        case tooLarge
        case tooDeep
        case structure
        case undeclaredPlaceholder
        case forbiddenPlaceholder
        case invalidSchema
        case unknownReference
        case invalidValue
        case missingRequired
        case undeclaredVariable
        case providerRequirement
    }

    package var code: Code
    /// The file (or source name, such as `--run-vars`) the problem is in.
    package var file: String
    /// Where in the document; nil for malformed JSON, which has a line and column instead.
    package var path: JSONPath?
    package var line: Int?
    package var column: Int?
    package var message: String

    package init(_ code: Code, file: String, path: JSONPath, _ message: String) {
        self.code = code
        self.file = file
        self.path = path
        self.message = message
    }

    package init(_ code: Code, file: String, line: Int, column: Int, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    package var description: String {
        if let line, let column { return "\(file):\(line):\(column): \(message)" }
        return "\(file): \(path?.description ?? "$"): \(message)"
    }
}

/// Thrown when a template or job variables are rejected; carries every problem found, not only the first.
package struct TemplateError: Error, Sendable, CustomStringConvertible {
    package var problems: [TemplateProblem]
    package init(_ problems: [TemplateProblem]) { self.problems = problems }
    package var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension TemplateProblem {
    /// The machine-readable form used by `--json` outputs and the HTTP API.
    package var jsonValue: JSONValue {
        var object: [String: JSONValue] = ["file": .string(file), "code": .string(code.rawValue), "message": .string(message)]
        if let path { object["path"] = .string(path.description) }
        if let line { object["line"] = .int(Int64(line)) }
        if let column { object["column"] = .int(Int64(column)) }
        return .object(object)
    }
}
