import PushgateCore

/// Per-request transport options that `HTTPRequest` does not carry.
package struct CurlRequestOptions: Sendable, Equatable {
    /// Overrides the client's ``CurlHTTPClientConfiguration/httpVersion`` (e.g. `.http2PriorKnowledge`
    /// for gRPC over cleartext h2c). gRPC callers must also send `TE: trailers`.
    package var httpVersion: CurlHTTPVersion?

    package init(httpVersion: CurlHTTPVersion? = nil) {
        self.httpVersion = httpVersion
    }
}

/// A response with its trailers kept apart, as gRPC needs (`grpc-status` arrives as a trailer unless
/// the response is trailers-only, when it is a header).
package struct CurlHTTPResult: Sendable, Equatable {
    /// Status, headers of the final response (without trailers) and body.
    package var response: HTTPResponse
    /// Trailer fields received after the body (HTTP/2 trailers, HTTP/1.1 chunked trailers).
    package var trailers: HTTPHeaders
    /// The HTTP version the response arrived with.
    package var httpVersion: NegotiatedHTTPVersion

    package init(response: HTTPResponse, trailers: HTTPHeaders = [:], httpVersion: NegotiatedHTTPVersion) {
        self.response = response
        self.trailers = trailers
        self.httpVersion = httpVersion
    }

    /// The response with trailers appended to its headers, as `HTTPClient.execute` returns it.
    package var mergedResponse: HTTPResponse {
        var merged = response
        for field in trailers { merged.headers.add(field.name, field.value) }
        return merged
    }
}

/// Counters that show how the client used libcurl: one multi handle and one loop thread, however many
/// requests are in flight.
package struct CurlHTTPClientStatistics: Sendable, Equatable {
    /// Multi handles this client created (always 1).
    package var multiHandlesCreated = 0
    /// Event-loop threads this client started (always 1).
    package var loopThreadsStarted = 0
    /// Requests handed to the loop.
    package var transfersStarted = 0
    /// Requests finished (any outcome).
    package var transfersFinished = 0
    /// New connections libcurl opened (sum of CURLINFO_NUM_CONNECTS); fewer than requests means reuse.
    package var connectionsOpened = 0
    /// The most easy handles attached to the multi handle at once.
    package var maxTransfersInFlight = 0

    package init() {}
}
