/// A provider call that failed, keeping what the retry policy and the run history need: the HTTP status,
/// the provider's own error code and message (never a secret), and whether the request may have taken
/// effect.
package struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// The rendered configuration cannot be submitted; nothing was sent.
        case invalidConfiguration
        /// Credentials missing, refused or expired.
        case unauthorized
        /// Throttled (429, ThrottlingException, RESOURCE_EXHAUSTED); retry after a delay.
        case throttled
        /// A transient failure (5xx, connection failure); retryable.
        case unavailable
        /// The workload or resource does not exist.
        case notFound
        /// Already exists (a resubmission with the same idempotency key).
        case conflict
        /// The provider refused the request for good (4xx other than the above).
        case rejected
        /// The outcome is unknown: the request may have taken effect (timeout, reset, 5xx on a create).
        case ambiguous

        /// What an unexpected HTTP status means when the provider's own error code says no more: the
        /// mapping the REST providers (Cloud Run, ACI, Docker) share.
        package init(httpStatus status: Int) {
            switch status {
            case 404: self = .notFound
            case 409: self = .conflict
            case 401, 403: self = .unauthorized
            case 429: self = .throttled
            case 500...: self = .unavailable
            default: self = .rejected
            }
        }
    }

    package var code: Code
    package var message: String
    package var httpStatus: Int?
    /// The provider's error code (`ThrottlingException`, `ALREADY_EXISTS`, `InvalidResourceGroup`…).
    package var providerCode: String?
    /// Seconds the provider asked us to wait (Retry-After), when it said.
    package var retryAfter: Double?

    package init(_ code: Code, _ message: String, httpStatus: Int? = nil, providerCode: String? = nil, retryAfter: Double? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.retryAfter = retryAfter
    }

    package var isRetryable: Bool { code == .throttled || code == .unavailable || code == .unauthorized }

    /// The message, with the HTTP status and the provider's code when the message does not say them:
    /// words for the user, never the internal ``Code`` name.
    package var description: String {
        var extra: [String] = []
        if let httpStatus, !message.contains("HTTP \(httpStatus)") { extra.append("HTTP \(httpStatus)") }
        if let providerCode, !message.contains(providerCode) { extra.append(providerCode) }
        return extra.isEmpty ? message : "\(message) (\(extra.joined(separator: ", ")))"
    }
}
