import Foundation
import PushgateCore

/// An ECS error answer read the way botocore reads it (docs/provider-apis.md §2.1): the code from `__type`
/// (the part before the first `:`, then after the last `#`), the message from `message`/`Message`; and,
/// because moto answers auth failures with XML even for JSON services (docs/build-notes.md §4), from
/// `<Code>`/`<Message>` when the body is not JSON.
package struct ECSErrorResponse: Sendable, Equatable {
    package var status: Int
    package var code: String?
    package var message: String?
    /// `ConflictException.resourceIds`: the tasks an earlier RunTask with the same clientToken started.
    package var resourceIDs: [String]

    package init(status: Int, code: String?, message: String?, resourceIDs: [String] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.resourceIDs = resourceIDs
    }

    package init(status: Int, headers: HTTPHeaders = [:], body: Data) {
        self.status = status
        resourceIDs = []
        if let object = try? JSONValue.parse(body), case .object(let members) = object {
            code = members["__type"]?.stringValue.map(ECSErrorResponse.normalize)
            message = members["message"]?.stringValue ?? members["Message"]?.stringValue
            resourceIDs = members["resourceIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        } else {
            let text = String(decoding: body, as: UTF8.self)
            code = ECSErrorResponse.xmlValue("Code", in: text)
            message = ECSErrorResponse.xmlValue("Message", in: text)
        }
        if code == nil, let header = headers["x-amzn-ErrorType"] { code = ECSErrorResponse.normalize(header) }
    }

    /// `aws.ecs#ThrottlingException:http://…` → `ThrottlingException` (botocore `_do_error_parse`).
    package static func normalize(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return String(code)
    }

    static func xmlValue(_ tag: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(tag)>"), let close = xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Codes that mean the credentials or the signature were refused (docs/provider-apis.md §2.9).
    package static let authorizationCodes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch", "InvalidClientTokenId",
        "ExpiredTokenException", "ExpiredToken", "AccessDeniedException", "AccessDenied", "MissingAuthenticationToken",
        "IncompleteSignature", "AuthFailure", "RequestExpired",
    ]

    /// Codes that mean the credentials expired: refresh them once and send again.
    package static let expiredCodes: Set<String> = ["ExpiredTokenException", "ExpiredToken", "RequestExpired"]

    /// Maps the answer to a ``ProviderError`` for `operation` (the message names the call, never a secret).
    /// Throttling (HTTP 400 `ThrottlingException`, 429) → throttled; 5xx → unavailable, or ambiguous for
    /// the non-idempotent RunTask; 401/403 and auth codes → unauthorized; ConflictException → conflict;
    /// not-found answers → notFound; any other 4xx → rejected.
    package func providerError(_ operation: ECSOperation, retryAfter: Double? = nil) -> ProviderError {
        let text = "ECS \(operation.rawValue): " + (message ?? code ?? "HTTP \(status)")
        let kind: ProviderError.Code
        if let code, RetryPolicy.ecs.rules.throttlingErrorCodes.contains(code) {
            kind = .throttled
        } else if RetryPolicy.ecs.rules.throttlingStatuses.contains(status) {
            kind = .throttled
        } else if let code, ECSErrorResponse.authorizationCodes.contains(code) {
            kind = .unauthorized
        } else if status == 401 || status == 403 {
            kind = .unauthorized
        } else if status >= 500 || code == "ServerException" {
            kind = operation.isIdempotent ? .unavailable : .ambiguous
        } else if code == "ConflictException" {
            kind = .conflict
        } else if isNotFound {
            kind = .notFound
        } else {
            kind = .rejected
        }
        return ProviderError(kind, text, httpStatus: status, providerCode: code, retryAfter: retryAfter)
    }

    /// ClusterNotFoundException, an unknown task definition, or StopTask's "task was not found".
    package var isNotFound: Bool {
        guard let code else { return false }
        if code == "ClusterNotFoundException" || code == "TaskDefinitionNotFoundException" { return true }
        let lower = (message ?? "").lowercased()
        if code == "InvalidParameterException" && (lower.contains("not found") || lower.contains("does not exist")) {
            return true
        }
        // DescribeTaskDefinition of an unknown family: ClientException "Unable to describe task definition."
        return code == "ClientException" && (lower.contains("unable to describe task definition") || lower.contains("not found"))
    }
}
