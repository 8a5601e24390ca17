import CCurl
import PushgateCore

/// `curl_global_init` is not thread-safe and must run once before any other curl call
/// (https://curl.se/libcurl/c/curl_global_init.html). A `static let` is initialised exactly once,
/// under the runtime's lock, whichever thread touches it first.
enum CurlGlobal {
    private static let initCode: UInt32 = curl_global_init(Int(CURL_GLOBAL_ALL)).rawValue

    static func ensureInitialized() throws(HTTPClientError) {
        let code = initCode
        guard code == CURLE_OK.rawValue else {
            throw HTTPClientError(.other, "curl_global_init failed", underlyingCode: Int(code))
        }
    }
}
