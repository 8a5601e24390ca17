import Foundation
import PushgateCore

/// What `pushgate dry-run` may print: token requests with their secrets (`assertion`, `client_secret`,
/// `client_assertion`) replaced, a placeholder bearer token, and rendered env values hidden
/// (docs/provider-apis.md §1.1 redaction list; docs/design.md "Credentials").
package enum DryRunRedaction {
    package static let redacted = "<redacted>"
    /// The `Authorization` value shown where a real call would carry the token from the token request.
    package static let placeholderAuthorization = "Bearer <access token from the token request>"

    private static let secretFormFields: Set<String> = ["assertion", "client_secret", "client_assertion"]
    private static let secretJSONKeys: Set<String> = ["secureValue", "password", "value"]
    private static let environmentKeys: Set<String> = ["env", "environmentVariables"]

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

    /// An API call as dry-run shows it: placeholder bearer token and env values redacted in its JSON body.
    package static func apiRequest(_ request: HTTPRequest) -> HTTPRequest {
        var copy = request
        copy.headers.replace("Authorization", placeholderAuthorization)
        if !copy.body.isEmpty, let json = try? JSONValue.parse(copy.body) {
            copy.body = redactingEnvironment(json).data()
            if copy.headers["Content-Type"] == nil { copy.headers.add("Content-Type", "application/json") }
        }
        return copy
    }

    /// Replaces the values of env items (`env[].value`, `environmentVariables[].value|secureValue`) and
    /// registry passwords, wherever they are in `value`.
    package static func redactingEnvironment(_ value: JSONValue, underEnvironment: Bool = false) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                if key == "password" || (underEnvironment && secretJSONKeys.contains(key) && member.stringValue != nil) {
                    out[key] = .string(redacted)
                } else {
                    out[key] = redactingEnvironment(member, underEnvironment: environmentKeys.contains(key))
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { redactingEnvironment($0, underEnvironment: underEnvironment) })
        default:
            return value
        }
    }
}
