import CCurl
import PushgateCore

/// Owns one `CURLM *` (https://curl.se/libcurl/c/libcurl-multi.html) and frees it exactly once.
/// Used only from the event-loop thread, except ``wakeup()``, which libcurl allows from any thread.
final class CurlMultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init(configuration: CurlHTTPClientConfiguration) throws(HTTPClientError) {
        guard let raw = curl_multi_init() else {
            throw HTTPClientError(.other, "curl_multi_init failed")
        }
        self.raw = raw
        _ = ccurl_multi_setopt_long(raw, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = ccurl_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxConnectionsPerHost))
        _ = ccurl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, max(1, configuration.maxCachedConnections))
    }

    /// Interrupts a `curl_multi_poll` in progress (https://curl.se/libcurl/c/curl_multi_wakeup.html).
    func wakeup() { _ = curl_multi_wakeup(raw) }

    deinit { curl_multi_cleanup(raw) }
}
