import Foundation
import PushgateCore

/// What `pushgate dry-run` may print (docs/provider-apis.md §1.1 redaction list; docs/design.md
/// "Credentials"): everything that would be sent except what is secret. Secret are token requests'
/// credentials (`assertion`, `client_secret`, `client_assertion`) and the bearer token, ACI `secureValue`s and
/// registry passwords, env values whose name says they are secret (``SecretName``), passwords in URLs
/// (`scheme://user:password@host`), and the values the template's schema marks secret
/// (``SubmissionJob/secretValues``) wherever they appear. Everything else, the run identity included, is shown.
package enum DryRunRedaction {
    package static let redacted = "<redacted>"
    /// The `Authorization` value shown where a real call would carry the token from the token request.
    package static let placeholderAuthorization = "Bearer <access token from the token request>"
    /// Shorter configured secrets are not searched for in text: they would hide unrelated characters.
    static let minimumSecretLength = 4

    private static let secretFormFields: Set<String> = ["assertion", "client_secret", "client_assertion"]
    private static let alwaysSecretKeys: Set<String> = ["secureValue", "password"]
    private static let environmentKeys: Set<String> = ["env", "environment", "environmentVariables"]
    private static let urlPassword = try! NSRegularExpression(pattern: "://([^:/@\\s]+):([^@/\\s]+)@")

    /// `request` with secret form fields and any `Authorization` header redacted.
    package static func tokenRequest(_ request: HTTPRequest) -> HTTPRequest {
        var copy = request
        if copy.headers["Authorization"] != nil { copy.headers.replace("Authorization", redacted) }
        let form = String(decoding: request.body, as: UTF8.self)
        guard !form.isEmpty, !form.hasPrefix("{") else { return copy }
        let fields = form.split(separator: "&", omittingEmptySubsequences: false).map { field -> String in
            let name = field.prefix { $0 != "=" }
            return secretFormFields.contains(String(name)) ? "\(name)=\(redacted)" : String(field)
        }
        copy.body = Data(fields.joined(separator: "&").utf8)
        return copy
    }

    /// A bearer-token API call as dry-run shows it: the placeholder token, and its URL and JSON body
    /// with the secrets hidden (``secrets(_:values:)``).
    package static func apiRequest(_ request: HTTPRequest, secretValues: Set<String>) -> HTTPRequest {
        var copy = secrets(request, values: secretValues)
        copy.headers.replace("Authorization", placeholderAuthorization)
        if !copy.body.isEmpty, copy.headers["Content-Type"] == nil, (try? JSONValue.parse(copy.body)) != nil {
            copy.headers.add("Content-Type", "application/json")
        }
        return copy
    }

    /// `request` with its secrets hidden in the URL, the header values and a JSON body; headers that are
    /// credentials (`Authorization`) are each caller's business, since SigV4 keeps part of its value.
    package static func secrets(_ request: HTTPRequest, values: Set<String>) -> HTTPRequest {
        let values = searchable(values)
        var copy = request
        copy.url = scrub(request.url, values: values, percentEncoded: true)
        var headers = HTTPHeaders()
        for field in request.headers { headers.add(field.name, scrub(field.value, values: values, percentEncoded: false)) }
        copy.headers = headers
        if !request.body.isEmpty, let json = try? JSONValue.parse(request.body) {
            let hidden = redacting(json, values: values)
            if hidden != json { copy.body = hidden.data() }
        }
        return copy
    }

    /// The value of an env entry as dry-run shows it.
    package static func environmentValue(name: String, value: String, secretValues: Set<String>) -> String {
        SecretName.isSecret(name) ? redacted : scrub(value, values: searchable(secretValues), percentEncoded: false)
    }

    /// The configured secrets worth searching for, longest first so a secret inside another goes with it.
    static func searchable(_ values: Set<String>) -> [String] {
        values.filter { $0.count >= minimumSecretLength }.sorted { $0.count > $1.count }
    }

    /// `value` with ACI `secureValue`s and passwords, the values of env entries with a secret name
    /// (`{name, value}` items and `{NAME: value}` maps under `env`, `environment`, `environmentVariables`)
    /// and every configured secret hidden.
    static func redacting(_ value: JSONValue, values: [String], underEnvironment: Bool = false) -> JSONValue {
        switch value {
        case .object(let members):
            let secretEntry = underEnvironment && members["name"]?.stringValue.map(SecretName.isSecret) == true
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                if member.stringValue != nil, alwaysSecretKeys.contains(key) || (secretEntry && key == "value") {
                    out[key] = .string(redacted)
                } else if environmentKeys.contains(key), case .object(let map) = member {
                    out[key] = .object(
                        Dictionary(
                            uniqueKeysWithValues: map.map { name, entry in
                                (name, SecretName.isSecret(name) && entry.stringValue != nil ? .string(redacted) : redacting(entry, values: values))
                            }
                        )
                    )
                } else {
                    out[key] = redacting(member, values: values, underEnvironment: environmentKeys.contains(key))
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { redacting($0, values: values, underEnvironment: underEnvironment) })
        case .string(let text):
            return .string(scrub(text, values: values, percentEncoded: false))
        default:
            return value
        }
    }

    /// `text` with each configured secret (longest first) and any URL password replaced.
    static func scrub(_ text: String, values: [String], percentEncoded: Bool) -> String {
        var out = text
        for secret in values {
            out = out.replacingOccurrences(of: secret, with: redacted)
            if percentEncoded, let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                out = out.replacingOccurrences(of: encoded, with: redacted)
            }
        }
        guard out.contains("://") else { return out }
        let range = NSRange(out.startIndex..., in: out)
        return urlPassword.stringByReplacingMatches(in: out, range: range, withTemplate: "://$1:\(redacted)@")
    }
}
