import PushgateCore

extension GRPCStatus {
    /// The ``ProviderError`` a failed Modal call reports (docs/provider-apis.md §5.4): UNAVAILABLE and the other
    /// transient codes → unavailable, RESOURCE_EXHAUSTED → throttled (with the server's retry-after),
    /// ALREADY_EXISTS → conflict, NOT_FOUND → notFound, UNAUTHENTICATED / PERMISSION_DENIED → unauthorized,
    /// the rest → rejected. `place` names the RPC; the server's message is kept, never a header value.
    package func providerError(place: String) -> ProviderError {
        let code: ProviderError.Code
        switch self.code {
        case GRPCStatusCode.unavailable, GRPCStatusCode.cancelled, GRPCStatusCode.unknown,
            GRPCStatusCode.deadlineExceeded, GRPCStatusCode.internalError:
            code = .unavailable
        case GRPCStatusCode.resourceExhausted: code = .throttled
        case GRPCStatusCode.alreadyExists: code = .conflict
        case GRPCStatus.notFound: code = .notFound
        case GRPCStatusCode.unauthenticated, GRPCStatus.permissionDenied: code = .unauthorized
        default: code = .rejected
        }
        let text = message.isEmpty ? name : message
        return ProviderError(code, "\(place): \(text)", providerCode: name, retryAfter: retryAfter)
    }

    /// True for the codes after which a create may have taken effect (the server may have processed it).
    package var isAmbiguous: Bool {
        [
            GRPCStatusCode.cancelled, GRPCStatusCode.unknown, GRPCStatusCode.deadlineExceeded,
            GRPCStatusCode.internalError, GRPCStatusCode.unavailable,
        ].contains(code)
    }
}
