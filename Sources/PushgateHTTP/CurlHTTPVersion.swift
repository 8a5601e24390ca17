import CCurl

/// Which HTTP version libcurl should speak (https://curl.se/libcurl/c/CURLOPT_HTTP_VERSION.html).
package enum CurlHTTPVersion: Sendable, Equatable, CustomStringConvertible {
    /// HTTP/1.1 only.
    case http1_1
    /// HTTP/2 when the server offers it through TLS ALPN, HTTP/1.1 otherwise (and always over cleartext).
    case http2TLS
    /// HTTP/2 with prior knowledge: no upgrade, no ALPN; works over cleartext (h2c). Needed by gRPC
    /// servers on loopback (the Modal emulator).
    case http2PriorKnowledge

    var curlValue: Int {
        switch self {
        case .http1_1: return Int(CURL_HTTP_VERSION_1_1)
        case .http2TLS: return Int(CURL_HTTP_VERSION_2TLS)
        case .http2PriorKnowledge: return Int(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE)
        }
    }

    package var description: String {
        switch self {
        case .http1_1: return "HTTP/1.1"
        case .http2TLS: return "HTTP/2 over TLS (ALPN), else HTTP/1.1"
        case .http2PriorKnowledge: return "HTTP/2 prior knowledge"
        }
    }
}

/// The HTTP version a response actually arrived with (https://curl.se/libcurl/c/CURLINFO_HTTP_VERSION.html).
package enum NegotiatedHTTPVersion: Sendable, Equatable {
    case http1_0
    case http1_1
    case http2
    case http3
    case unknown

    init(curlInfo value: Int) {
        switch value {
        case Int(CURL_HTTP_VERSION_1_0): self = .http1_0
        case Int(CURL_HTTP_VERSION_1_1): self = .http1_1
        case Int(CURL_HTTP_VERSION_2_0): self = .http2
        case Int(CURL_HTTP_VERSION_3): self = .http3
        default: self = .unknown
        }
    }
}
