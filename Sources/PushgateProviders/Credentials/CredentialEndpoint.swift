import Foundation
import PushgateCore

/// Shared plumbing of the token and credential endpoints: send, check the status, read JSON/XML/form
/// bodies, parse times. Errors name the endpoint (method and URL without query), never a secret.
package enum CredentialEndpoint {
    /// Sends `request`; transport failures become `.transport` errors naming the endpoint.
    package static func send(
        _ request: HTTPRequest,
        with http: any HTTPClient,
        purpose: String
    ) async throws
        -> HTTPResponse
    {
        do {
            return try await http.execute(request)
        } catch let error as HTTPClientError {
            throw CredentialsError(.transport, "\(purpose): \(request.method) \(displayURL(request.url)): \(error)")
        }
    }

    /// The JSON object of a 2xx response; otherwise an `.endpointRejected` error carrying the status and
    /// the provider's error code (`error`, `Code`, `code`, `__type` or an XML `<Code>`).
    package static func jsonObject(
        _ response: HTTPResponse,
        request: HTTPRequest,
        purpose: String
    ) throws
        -> [String: Any]
    {
        try checkStatus(response, request: request, purpose: purpose)
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw CredentialsError(
                .endpointRejected,
                "\(purpose): \(request.method) \(displayURL(request.url)): the response is not a JSON object",
                httpStatus: response.status
            )
        }
        return object
    }

    package static func checkStatus(_ response: HTTPResponse, request: HTTPRequest, purpose: String) throws {
        guard !(200..<300).contains(response.status) else { return }
        let code = providerErrorCode(response.body)
        throw CredentialsError(
            .endpointRejected,
            "\(purpose): \(request.method) \(displayURL(request.url)) was refused",
            httpStatus: response.status,
            providerCode: code
        )
    }

    /// The error code a provider put in a JSON or XML error body, if any.
    package static func providerErrorCode(_ body: Data) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            for key in ["error", "Code", "code", "__type"] {
                if let code = object[key] as? String { return code }
                if let nested = object[key] as? [String: Any], let code = nested["code"] as? String { return code }
            }
            return nil
        }
        return xmlValue("Code", in: String(decoding: body, as: UTF8.self))
    }

    /// The text of the first `<tag>…</tag>`, with the five XML entities decoded. Enough for the flat
    /// STS/IMDS answers; not a general XML parser.
    package static func xmlValue(_ tag: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(tag)>"),
            let close = xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `application/x-www-form-urlencoded` (RFC 3986 unreserved set kept, everything else `%XX`).
    package static func formEncode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)="
                + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }.joined(separator: "&")
    }

    /// ISO 8601 with or without fractional seconds (`2026-01-01T12:00:00Z`, `…00.123Z`).
    package static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// A number that may arrive as a JSON number or a string (`expires_in` from Azure IMDS, google-auth).
    package static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }

    /// The URL without its query (which may carry identifiers) for messages.
    package static func displayURL(_ url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}
