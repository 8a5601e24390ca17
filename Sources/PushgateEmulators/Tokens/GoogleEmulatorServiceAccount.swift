import Foundation
import PushgateCore
import PushgateSigning

/// The service account a suite's Google emulator (Cloud Run v2, Cloud Run V1, Vertex AI) accepts: a key
/// generated now, so nothing secret is committed, and the key file its `[gcp]` profile names, written
/// beside the credentials file (docs/provider-apis.md §3.9).
struct GoogleEmulatorServiceAccount {
    let project: String
    let email: String
    /// The private key PEM; the emulator's token endpoint verifies assertions with its public half.
    let pem: String

    init(project: String) throws {
        self.project = project
        email = "pushgate-demo@\(project).iam.gserviceaccount.com"
        pem = try RSAPrivateKey.generatePEM()
    }

    /// `client_email` → key, as the emulators' configurations take it.
    var serviceAccounts: [String: String] { [email: pem] }

    /// Writes the key file `name` in `directory` with `tokenURI` and answers its path; when the write
    /// fails, `stop` stops the emulator already started before the error is thrown.
    func writeKeyFile(_ name: String, in directory: URL, tokenURI: String, stop: () -> Void) throws -> String {
        let url = directory.appendingPathComponent(name)
        let key: JSONValue = [
            "type": "service_account", "project_id": .string(project), "private_key_id": "emulator-key-1",
            "private_key": .string(pem), "client_email": .string(email), "token_uri": .string(tokenURI),
        ]
        do {
            try EmulatorSuite.writePrivate(key.serialized(pretty: true), to: url)
        } catch {
            stop()
            throw error
        }
        return url.path
    }
}
