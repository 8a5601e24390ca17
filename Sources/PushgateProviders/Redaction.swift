import Foundation
import PushgateCore

/// Hides secrets in a request before it is shown (dry-run output, logs, errors): the credential headers
/// and form fields of docs/provider-apis.md §1.1. Applying it twice changes nothing more.
package enum Redaction {
    package static let placeholder = "<redacted>"

    /// Headers whose whole value is a secret.
    package static let secretHeaders: Set<String> = [
        "x-amz-security-token", "x-modal-token-secret", "x-modal-auth-token", "x-aws-ec2-metadata-token",
        "x-goog-api-key", "x-api-key", "cookie", "proxy-authorization", "x-registry-auth",
    ]

    /// Form fields and JSON members whose value is a secret.
    package static let secretFields: Set<String> = [
        "client_secret", "assertion", "client_assertion", "secureValue", "password", "token_secret", "refresh_token",
        "access_token",
    ]

    /// The request with secrets replaced by ``placeholder``.
    /// - Parameters:
    ///   - keepSignature: keep a SigV4 `Signature=` (a MAC of this one request, not a key); the dry run
    ///     keeps it when the signing time is too far from now for AWS to accept a replay.
    ///   - environmentValues: also hide the values of `environment`/`env`/`environmentVariables` entries in
    ///     JSON bodies (for logs; the dry run shows what the user configured).
    package static func redact(_ request: HTTPRequest, keepSignature: Bool = false, environmentValues: Bool = false) -> HTTPRequest {
        var copy = request
        var headers = HTTPHeaders()
        for field in request.headers {
            let name = field.name.lowercased()
            if name == "authorization" {
                headers.add(field.name, authorization(field.value, keepSignature: keepSignature))
            } else if secretHeaders.contains(name) {
                headers.add(field.name, placeholder)
            } else {
                headers.add(field.name, field.value)
            }
        }
        copy.headers = headers
        let contentType = request.headers["Content-Type"]?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            copy.body = Data(form(String(decoding: request.body, as: UTF8.self)).utf8)
        } else if contentType.contains("json"), let value = try? JSONValue.parse(request.body) {
            let redacted = json(value, environmentValues: environmentValues)
            if redacted != value { copy.body = redacted.data() }
        }
        return copy
    }

    /// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=<redacted>` (the access key id and scope
    /// stay: they identify, they do not authenticate); `Bearer <redacted>`; anything else wholly redacted.
    package static func authorization(_ value: String, keepSignature: Bool = false) -> String {
        if value.hasPrefix("AWS4-HMAC-SHA256 ") {
            guard !keepSignature, let range = value.range(of: "Signature=") else { return value }
            return value[..<range.upperBound] + placeholder
        }
        if let space = value.firstIndex(of: " "), value[..<space].lowercased() == "bearer" || value[..<space].lowercased() == "basic" {
            return value[...space] + placeholder
        }
        return placeholder
    }

    /// An `application/x-www-form-urlencoded` body with the secret fields' values replaced.
    package static func form(_ body: String) -> String {
        body.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let key = String(pair[..<equals]).removingPercentEncoding ?? String(pair[..<equals])
            return secretFields.contains(key) ? pair[..<equals] + "=" + placeholder : String(pair)
        }.joined(separator: "&")
    }

    /// A JSON body with secret members (and, when asked, environment values) replaced.
    package static func json(_ value: JSONValue, environmentValues: Bool = false, inEnvironment: Bool = false) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                if secretFields.contains(key), member != .null {
                    out[key] = .string(placeholder)
                } else if inEnvironment && key == "value", member != .null {
                    out[key] = .string(placeholder)
                } else {
                    let environment = environmentValues && ["environment", "env", "environmentVariables"].contains(key)
                    if environment, case .object(let env) = member {
                        out[key] = .object(env.mapValues { $0 == .null ? .null : .string(placeholder) })
                    } else {
                        out[key] = json(member, environmentValues: environmentValues, inEnvironment: environment)
                    }
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { json($0, environmentValues: environmentValues, inEnvironment: inEnvironment) })
        default:
            return value
        }
    }
}
