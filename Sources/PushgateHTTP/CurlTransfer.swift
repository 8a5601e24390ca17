import CCurl
import Foundation
import PushgateCore
import Synchronization

/// One request in flight: owns its easy handle, header list, body copy and error buffer, and frees
/// each exactly once in `deinit`. After ``CurlEventLoop/submit(_:)`` its mutable state is touched only
/// on the event-loop thread (the curl callbacks run there too); only ``cancelRequested`` crosses threads.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    /// "METHOD scheme://host/path" without query, fragment or credentials: safe for error messages.
    let label: String
    let maxBodySize: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var bodyBuffer: UnsafeMutableRawBufferPointer?
    let errorBuffer: UnsafeMutablePointer<CChar>
    private let querySecret: String?

    let cancelRequested = Atomic<Bool>(false)
    var continuation: CheckedContinuation<CurlHTTPResult, any Error>?

    // Response accumulators, filled by the callbacks.
    var body: [UInt8] = []
    var headers = HTTPHeaders()
    var trailers = HTTPHeaders()
    var headerBlockComplete = false
    var bodyTooLarge = false

    init(
        request: HTTPRequest,
        options: CurlRequestOptions,
        configuration: CurlHTTPClientConfiguration
    ) throws(HTTPClientError) {
        label = "\(request.method) \(CurlTransfer.redactedURL(request.url))"
        querySecret = CurlTransfer.query(of: request.url)
        maxBodySize = configuration.maxResponseBodySize
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(.other, "\(label): curl_easy_init failed")
        }
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure(request: request, options: options, configuration: configuration)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        bodyBuffer?.deallocate()
        errorBuffer.deallocate()
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(ccurl_setopt_long(easy, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(ccurl_setopt_string(easy, option, value), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        let reason = String(cString: curl_easy_strerror(code))
        throw HTTPClientError(
            .invalidRequest,
            "\(label): curl_easy_setopt(\(option.rawValue)) failed: \(reason)",
            underlyingCode: Int(code.rawValue)
        )
    }

    private func configure(
        request: HTTPRequest,
        options: CurlRequestOptions,
        configuration: CurlHTTPClientConfiguration
    ) throws(HTTPClientError) {
        try set(CURLOPT_URL, request.url)
        // Only http and https, also across redirects (which are not followed anyway).
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = request.connection?.caBundlePath ?? configuration.caBundlePath { try set(CURLOPT_CAINFO, ca) }
        if let socket = request.connection?.unixSocketPath { try set(CURLOPT_UNIX_SOCKET_PATH, socket) }
        if let certificate = request.connection?.clientCertificatePath { try set(CURLOPT_SSLCERT, certificate) }
        if let key = request.connection?.clientKeyPath { try set(CURLOPT_SSLKEY, key) }
        if let proxy = configuration.proxy { try set(CURLOPT_PROXY, proxy) }
        let version = options.httpVersion ?? configuration.httpVersion
        try set(CURLOPT_HTTP_VERSION, version.curlValue)
        if version != .http1_1 { try set(CURLOPT_PIPEWAIT, 1) }  // wait to multiplex rather than open more
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? configuration.timeout))
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try check(
            ccurl_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxResponseBodySize)),
            CURLOPT_MAXFILESIZE_LARGE
        )
        try check(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)

        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(ccurl_setopt_write_callback(easy, curlWriteCallback), CURLOPT_WRITEFUNCTION)
        try check(ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, me), CURLOPT_WRITEDATA)
        try check(ccurl_setopt_header_callback(easy, curlHeaderCallback), CURLOPT_HEADERFUNCTION)
        try check(ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, me), CURLOPT_HEADERDATA)

        try configureMethodAndBody(request)
        try configureHeaders(request, configuration: configuration)
    }

    /// The body is copied once into a buffer this object owns: CURLOPT_POSTFIELDS does not copy
    /// (https://curl.se/libcurl/c/CURLOPT_POSTFIELDS.html), and its size is always given explicitly.
    private func configureMethodAndBody(_ request: HTTPRequest) throws(HTTPClientError) {
        let method = request.method.uppercased()
        // libcurl silently re-sends a request once when a reused keep-alive connection turns out closed,
        // even if the server already processed it; a non-idempotent call must never be sent twice, so it
        // gets a connection of its own (https://curl.se/libcurl/c/CURLOPT_FRESH_CONNECT.html) unless the
        // server deduplicates it by a token it carries.
        if !request.isIdempotent && !request.carriesIdempotencyToken { try set(CURLOPT_FRESH_CONNECT, 1) }
        if method == "GET" && request.body.isEmpty {
            try set(CURLOPT_HTTPGET, 1)
            return
        }
        if method == "HEAD" && request.body.isEmpty {
            try set(CURLOPT_NOBODY, 1)
            return
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, request.body.count), alignment: 1)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        request.body.copyBytes(to: buffer)
        bodyBuffer = buffer
        try set(CURLOPT_POST, 1)
        try check(
            ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)),
            CURLOPT_POSTFIELDSIZE_LARGE
        )
        try check(ccurl_setopt_pointer(easy, CURLOPT_POSTFIELDS, buffer.baseAddress), CURLOPT_POSTFIELDS)
        if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, method) }
    }

    /// Header values never reach an error message. `Expect:` and `Content-Type:` with no value remove
    /// curl's defaults (https://curl.se/libcurl/c/CURLOPT_HTTPHEADER.html); an empty value is sent as
    /// `Name;`, curl's syntax for that.
    private func configureHeaders(
        _ request: HTTPRequest,
        configuration: CurlHTTPClientConfiguration
    ) throws(HTTPClientError) {
        var lines: [String] = []
        for field in request.headers {
            // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
            guard !field.name.isEmpty,
                !field.name.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" || $0 == " " }),
                !field.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            else {
                throw HTTPClientError(.invalidRequest, "\(label): a header name or value contains a line break or colon")
            }
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if request.headers["Expect"] == nil { lines.append("Expect:") }
        if request.headers["Content-Type"] == nil { lines.append("Content-Type:") }
        if request.headers["User-Agent"] == nil, let agent = configuration.userAgent {
            lines.append("User-Agent: \(agent)")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw HTTPClientError(.other, "\(label): curl_slist_append failed")
            }
            headerList = appended
        }
        try check(ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER)
    }

    /// libcurl's detail text for the last failure, with the query string removed in case it echoes the URL.
    var errorDetail: String {
        var text = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        if let query = querySecret, !query.isEmpty { text = text.replacingOccurrences(of: query, with: "…") }
        return text
    }

    func getLong(_ info: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_getinfo_long(easy, info, &value)
        return value
    }

    func getOffT(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        _ = ccurl_getinfo_off_t(easy, info, &value)
        return Int64(value)
    }

    private static func milliseconds(_ interval: Double) -> Int {
        max(1, Int((interval * 1000).rounded(.up)))
    }

    /// The URL without userinfo, query or fragment: those may hold secrets.
    static func redactedURL(_ url: String) -> String {
        var text = Substring(url)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        if let schemeEnd = text.range(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
                text = text[..<authorityStart] + text[text.index(after: at)...]
            }
        }
        return String(text)
    }

    private static func query(of url: String) -> String? {
        guard let mark = url.firstIndex(of: "?") else { return nil }
        let rest = url[url.index(after: mark)...]
        return String(rest.prefix { $0 != "#" })
    }
}
