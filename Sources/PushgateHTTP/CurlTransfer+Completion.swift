import CCurl
import Foundation
import PushgateCore

extension CurlTransfer {
    /// Turns libcurl's result for this transfer into a response or a transport error.
    func outcome(of code: CURLcode) -> Result<CurlHTTPResult, HTTPClientError> {
        if code == CURLE_OK {
            let status = getLong(CURLINFO_RESPONSE_CODE)
            let version = NegotiatedHTTPVersion(curlInfo: getLong(CURLINFO_HTTP_VERSION))
            let response = HTTPResponse(status: status, headers: headers, body: Data(body))
            return .success(CurlHTTPResult(response: response, trailers: trailers, httpVersion: version))
        }
        return .failure(error(for: code))
    }

    /// Maps a CURLcode (https://curl.se/libcurl/c/libcurl-errors.html) to the transport error codes the
    /// retry policy distinguishes. The message names the method and redacted URL, never a header value.
    func error(for code: CURLcode) -> HTTPClientError {
        let kind = Self.classify(code, bodyTooLarge: bodyTooLarge, requestStarted: requestStarted)
        var message = "\(label): \(String(cString: curl_easy_strerror(code)))"
        let detail = errorDetail
        if !detail.isEmpty { message += " (\(detail))" }
        if kind == .responseTooLarge { message += "; limit \(maxBodySize) bytes" }
        return HTTPClientError(kind, message, underlyingCode: Int(code.rawValue))
    }

    /// Whether libcurl got past connecting (and TLS) and may have sent the request: the timing of
    /// CURLINFO_PRETRANSFER_TIME_T is set just before the request goes out, reused connections included.
    var requestStarted: Bool { getOffT(CURLINFO_PRETRANSFER_TIME_T) > 0 }

    static func classify(_ code: CURLcode, bodyTooLarge: Bool, requestStarted: Bool) -> HTTPClientError.Code {
        if bodyTooLarge { return .responseTooLarge }
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed
        case CURLE_OPERATION_TIMEDOUT:
            return requestStarted ? .timeout : .connectTimeout
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            return .connectionReset
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
            CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN:
            return .invalidRequest
        default:
            return .other
        }
    }
}
