import Foundation
import PushgateSigning
import Testing

@Suite("Secret redaction")
struct RedactionTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"

    @Test("credentials descriptions, debug descriptions, dumps and interpolation hide the secret and token")
    func credentials() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: Self.secret,
            sessionToken: Self.token,
            expiration: Date(timeIntervalSince1970: 1_767_225_600)
        )
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [
            credentials.description, credentials.debugDescription, String(reflecting: credentials), "\(credentials)",
            dumped, "\([credentials])", "\(Optional(credentials) as Any)",
        ] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.token))
            #expect(text.contains("AKIDEXAMPLE") || text.contains("redacted"))
        }
    }

    @Test("service-account key descriptions hide the private key")
    func serviceAccountKey() {
        let key = GoogleServiceAccountKey(
            clientEmail: "sa@example.iam.gserviceaccount.com",
            privateKeyID: "abc",
            privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIEsecret\n-----END PRIVATE KEY-----\n",
            projectID: "p",
            tokenURI: nil
        )
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, String(reflecting: key), dumped] {
            #expect(!text.contains("MIIEsecret"))
        }
    }

    @Test("signing errors never contain the secret")
    func errors() throws {
        let signer = AWSSigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: Self.secret, sessionToken: Self.token),
            service: "ecs",
            region: "us-east-1"
        )
        let error = #expect(throws: SigningError.self) {
            try signer.sign(method: "POST", url: "no-scheme", headers: [], body: [UInt8](), date: Date())
        }
        let text = "\(String(describing: error)) \(String(reflecting: error))"
        #expect(!text.contains(Self.secret))
        #expect(!text.contains(Self.token))
        #expect(error?.code == .invalidURL)
    }
}
