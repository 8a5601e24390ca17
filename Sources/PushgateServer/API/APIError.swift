import PushgateCore

/// An API failure: an HTTP status and a message that names the field or resource; never a secret.
package struct APIError: Error, Sendable, Equatable {
    package var status: Int
    package var message: String
    package var problems: [TemplateProblem] = []

    package init(_ status: Int, _ message: String, problems: [TemplateProblem] = []) {
        self.status = status
        self.message = message
        self.problems = problems
    }

    package static func badRequest(_ message: String) -> APIError { APIError(400, message) }
    package static func notFound(_ message: String) -> APIError { APIError(404, message) }
    package static func invalid(_ message: String, _ problems: [TemplateProblem]) -> APIError { APIError(422, message, problems: problems) }

    /// A store error as the HTTP status a client expects.
    package init(_ error: StoreError) {
        switch error.code {
        case .notFound: self.init(404, error.message)
        case .alreadyExists, .conflict: self.init(409, error.message)
        case .invalidInput, .invalidTransition: self.init(422, error.message)
        case .leaseNotHeld: self.init(409, error.message)
        // The file is locked, full or read-only: the request may succeed later, so 503 with the reason.
        case .busy, .io: self.init(503, "store unavailable: \(error.message)")
        case .corrupt, .schemaTooNew, .backend: self.init(500, "store error: \(error.message)")
        }
    }
}
