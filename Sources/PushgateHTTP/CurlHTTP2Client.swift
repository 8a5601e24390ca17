import CCurl
import Foundation
import PushgateCore

/// An ``HTTPClient`` for gRPC (Modal, docs/provider-apis.md §5.6): every request goes over HTTP/2, with prior
/// knowledge (h2c) for `http://` (loopback emulators) and ALPN for `https://`, and a response that did not
/// arrive over HTTP/2 is an error instead of a silent HTTP/1.1 fallback. Trailers (`grpc-status`) follow
/// the headers, as ``CurlHTTPClient/execute(_:)`` returns them. Wraps a shared ``CurlHTTPClient``; it does
/// not own or shut it down.
///
/// libcurl before 8.0.0 (Debian bookworm ships 7.88.1) breaks a *reused* h2c prior-knowledge connection:
/// the second request fails with CURLE_HTTP2 "Error in the HTTP2 framing layer" and the broken connection
/// stays cached (curl/curl#10634, fixed by curl/curl#10643). Until the transport can set
/// CURLOPT_FORBID_REUSE per request, cleartext requests on such a libcurl run on a throwaway client with
/// a fresh connection. TLS (`https://`, the real Modal API) does not take that path and keeps reusing.
package struct CurlHTTP2Client: HTTPClient {
    package let base: CurlHTTPClient

    package init(base: CurlHTTPClient) { self.base = base }

    /// True when this libcurl has the h2c connection-reuse bug (version below 8.0.0).
    package static let cleartextReuseIsBroken: Bool = {
        guard let info = curl_version_info(CURLVERSION_FIRST) else { return true }
        return info.pointee.version_num < 0x08_00_00
    }()

    package func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let cleartext = request.url.lowercased().hasPrefix("http://")
        let options = CurlRequestOptions(httpVersion: cleartext ? .http2PriorKnowledge : .http2TLS)
        let result: CurlHTTPResult
        if cleartext && Self.cleartextReuseIsBroken {
            result = try await withCurlHTTPClient(configuration: base.configuration) { fresh in
                try await fresh.perform(request, options: options)
            }
        } else {
            result = try await base.perform(request, options: options)
        }
        guard result.httpVersion == .http2 else {
            throw HTTPClientError(
                .invalidRequest,
                "\(request.method) \(CurlTransfer.redactedURL(request.url)): the server answered over \(result.httpVersion), not HTTP/2 (gRPC needs HTTP/2)"
            )
        }
        return result.mergedResponse
    }
}
