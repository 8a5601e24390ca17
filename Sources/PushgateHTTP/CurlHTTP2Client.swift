import Foundation
import PushgateCore

/// An ``HTTPClient`` for gRPC (Modal, provider-apis.md §5.6): every request goes over HTTP/2, with prior
/// knowledge (h2c) for `http://` (loopback emulators) and ALPN for `https://`, and a response that did not
/// arrive over HTTP/2 is an error instead of a silent HTTP/1.1 fallback. Trailers (`grpc-status`) follow
/// the headers, as ``CurlHTTPClient/execute(_:)`` returns them. Wraps a shared ``CurlHTTPClient``; it does
/// not own or shut it down.
package struct CurlHTTP2Client: HTTPClient {
    package let base: CurlHTTPClient

    package init(base: CurlHTTPClient) { self.base = base }

    package func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let version: CurlHTTPVersion = request.url.lowercased().hasPrefix("http://") ? .http2PriorKnowledge : .http2TLS
        let result = try await base.perform(request, options: CurlRequestOptions(httpVersion: version))
        guard result.httpVersion == .http2 else {
            throw HTTPClientError(
                .invalidRequest,
                "\(request.method) \(CurlTransfer.redactedURL(request.url)): the server answered over \(result.httpVersion), not HTTP/2 (gRPC needs HTTP/2)")
        }
        return result.mergedResponse
    }
}
