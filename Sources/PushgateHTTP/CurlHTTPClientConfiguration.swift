import Foundation

/// Settings of a ``CurlHTTPClient``. Every option maps to one libcurl option, linked on each property.
///
/// Proxies: the client never sets `CURLOPT_PROXY` unless ``proxy`` is given, so libcurl reads the usual
/// environment variables itself (`http_proxy`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`;
/// https://curl.se/libcurl/c/CURLOPT_PROXY.html). TLS peer and host verification are always on.
package struct CurlHTTPClientConfiguration: Sendable, Equatable {
    /// Time allowed for DNS, TCP connect and TLS handshake (CURLOPT_CONNECTTIMEOUT_MS). Running out maps to
    /// ``HTTPClientError/Code/connectTimeout``: nothing was sent.
    package var connectTimeout: TimeInterval
    /// Default total time of a request, connect included (CURLOPT_TIMEOUT_MS); `HTTPRequest.timeout`
    /// overrides it per request.
    package var timeout: TimeInterval
    /// Largest response body accepted (CURLOPT_MAXFILESIZE_LARGE, and counted in the write callback for
    /// bodies without a length). Beyond it the request fails with `responseTooLarge`.
    package var maxResponseBodySize: Int
    /// A PEM file of extra trusted CAs (CURLOPT_CAINFO). `nil` uses the system trust store.
    package var caBundlePath: String?
    /// Default HTTP version; ``CurlRequestOptions/httpVersion`` overrides it per request.
    package var httpVersion: CurlHTTPVersion
    /// Connections per host (CURLMOPT_MAX_HOST_CONNECTIONS); further requests queue inside libcurl.
    package var maxConnectionsPerHost: Int
    /// Idle connections kept for reuse (CURLMOPT_MAXCONNECTS).
    package var maxCachedConnections: Int
    /// `User-Agent` sent when the request has none; `nil` sends none.
    package var userAgent: String?
    /// An explicit proxy URL (CURLOPT_PROXY). `nil` leaves libcurl's environment-variable lookup on;
    /// `""` disables proxies even when the environment names one.
    package var proxy: String?

    package init(
        connectTimeout: TimeInterval = 10,
        timeout: TimeInterval = 60,
        maxResponseBodySize: Int = 16 * 1024 * 1024,
        caBundlePath: String? = nil,
        httpVersion: CurlHTTPVersion = .http2TLS,
        maxConnectionsPerHost: Int = 32,
        maxCachedConnections: Int = 64,
        userAgent: String? = "pushgate",
        proxy: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBodySize = maxResponseBodySize
        self.caBundlePath = caBundlePath
        self.httpVersion = httpVersion
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxCachedConnections = maxCachedConnections
        self.userAgent = userAgent
        self.proxy = proxy
    }
}
