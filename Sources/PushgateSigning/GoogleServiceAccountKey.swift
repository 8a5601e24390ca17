import Foundation

/// A service-account JSON key file (docs/provider-apis.md §3.7). Holds the PEM private key, so its
/// descriptions show only the account and key id.
package struct GoogleServiceAccountKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    package var clientEmail: String
    package var privateKeyID: String?
    package var privateKeyPEM: String
    package var projectID: String?
    package var tokenURI: String?

    package init(clientEmail: String, privateKeyID: String?, privateKeyPEM: String, projectID: String?, tokenURI: String?) {
        self.clientEmail = clientEmail
        self.privateKeyID = privateKeyID
        self.privateKeyPEM = privateKeyPEM
        self.projectID = projectID
        self.tokenURI = tokenURI
    }

    /// Parses the key file's JSON; `source` (the file path) names the place in errors.
    package init(json: Data, source: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw SigningError(.invalidKey, "\(source): not a JSON object (expected a service-account key file)")
        }
        if let type = object["type"] as? String, type != "service_account" {
            throw SigningError(.invalidKey, "\(source): \"type\" is \"\(type)\", expected \"service_account\"")
        }
        guard let email = object["client_email"] as? String, !email.isEmpty else {
            throw SigningError(.invalidKey, "\(source): missing \"client_email\"")
        }
        guard let pem = object["private_key"] as? String, !pem.isEmpty else {
            throw SigningError(.invalidKey, "\(source): missing \"private_key\"")
        }
        self.init(
            clientEmail: email,
            privateKeyID: object["private_key_id"] as? String,
            privateKeyPEM: pem,
            projectID: object["project_id"] as? String,
            tokenURI: object["token_uri"] as? String
        )
    }

    /// Reads the PEM into an OpenSSL key.
    package func privateKey(source: String) throws -> RSAPrivateKey {
        try RSAPrivateKey(pem: privateKeyPEM, source: "\(source): \"private_key\"")
    }

    package var description: String {
        "GoogleServiceAccountKey(clientEmail: \(clientEmail), privateKeyID: \(privateKeyID ?? "nil"), privateKey: <redacted>)"
    }
    package var debugDescription: String { description }
    package var customMirror: Mirror {
        Mirror(
            self,
            children: ["clientEmail": clientEmail, "privateKeyID": privateKeyID ?? "nil", "privateKeyPEM": "<redacted>"],
            displayStyle: .struct
        )
    }
}
