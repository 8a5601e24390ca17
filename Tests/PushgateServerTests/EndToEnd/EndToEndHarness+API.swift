import Foundation
import PushgateCore
import PushgateHTTP

extension EndToEndHarness {
    /// One call to the gateway's HTTP API: status, body as JSON (a string when it is not), and the raw text.
    static func call(
        _ http: CurlHTTPClient,
        _ method: String,
        _ url: String,
        token: String?,
        _ body: String = ""
    ) async throws -> (Int, JSONValue, String) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token { headers.add("Authorization", "Bearer \(token)") }
        let response = try await http.execute(HTTPRequest(method: method, url: url, headers: headers, body: Data(body.utf8)))
        let text = String(decoding: response.body, as: UTF8.self)
        return (response.status, (try? JSONValue.parse(response.body)) ?? .string(text), text)
    }
}
