import Foundation
import PushgateCore

/// Registry credentials sent with an image pull as `X-Registry-Auth`: base64url JSON of username,
/// password and server (docs/provider-apis.md §7.2). The password stays a ``SecretValue``.
package struct DockerRegistryAuth: Sendable, Equatable {
    package var username: String
    package var password: SecretValue
    package var serverAddress: String?

    package init(username: String, password: SecretValue, serverAddress: String?) {
        self.username = username
        self.password = password
        self.serverAddress = serverAddress
    }

    /// The header value.
    package var header: String {
        var members: [String: JSONValue] = ["username": .string(username), "password": .string(password.value)]
        if let serverAddress { members["serveraddress"] = .string(serverAddress) }
        return JSONValue.object(members).data().base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}
