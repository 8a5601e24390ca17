import Foundation

/// One set of AWS credentials, static or temporary (docs/provider-apis.md §2.9). Its descriptions show the
/// access key id only: the secret and the session token never reach logs, dumps or error messages.
package struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    package var accessKeyID: String
    package var secretAccessKey: String
    /// Present for temporary credentials (STS, container, IMDS); sent and signed as `X-Amz-Security-Token`.
    package var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    package var expiration: Date?

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    package var description: String {
        var text = "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }

    package var debugDescription: String { description }

    /// `dump()` and `Mirror` see the same redacted view.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": accessKeyID, "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
                "expiration": expiration.map { "\($0)" } ?? "nil",
            ],
            displayStyle: .struct
        )
    }
}
