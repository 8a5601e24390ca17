/// A web page failure: what kind (it picks the status) and a message that is shown escaped; never a secret.
package struct UIError: Error, Sendable, Equatable {
    package enum Code: Sendable, Equatable {
        case badRequest
        case forbidden
        case notFound
        case conflict
        case invalid
        case unavailable

        package var status: Int {
            switch self {
            case .badRequest: return 400
            case .forbidden: return 403
            case .notFound: return 404
            case .conflict: return 409
            case .invalid: return 422
            case .unavailable: return 503
            }
        }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A JSON API error (the store's and the router's) as a page error with the same status.
    package init(_ error: APIError) {
        let code: Code
        switch error.status {
        case 404: code = .notFound
        case 403: code = .forbidden
        case 409: code = .conflict
        case 422: code = .invalid
        case 503: code = .unavailable
        default: code = .badRequest
        }
        self.init(code, error.message)
    }
}
