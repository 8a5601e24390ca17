/// The transport every provider call goes through. The real one is libcurl (`PushgateHTTP`); tests
/// use recording fakes (`PushgateTestSupport`). Implementations throw ``HTTPClientError`` for transport
/// failures; any HTTP status, including 4xx/5xx, is a response, not an error.
package protocol HTTPClient: Sendable {
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse
}
