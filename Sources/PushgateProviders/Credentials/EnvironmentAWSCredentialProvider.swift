import Foundation
import PushgateSigning

/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` (legacy `AWS_SECURITY_TOKEN`) /
/// `AWS_CREDENTIAL_EXPIRATION` (docs/provider-apis.md §2.9 step 1). The environment is a parameter.
package struct EnvironmentAWSCredentialProvider: AWSCredentialProvider {
    package var environment: [String: String]
    package init(environment: [String: String]) { self.environment = environment }

    package func credentials() async throws -> AWSCredentials {
        guard let keyID = environment["AWS_ACCESS_KEY_ID"], !keyID.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else {
            throw CredentialsError(.notConfigured, "environment: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
        }
        let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
        return AWSCredentials(
            accessKeyID: keyID,
            secretAccessKey: secret,
            sessionToken: token?.isEmpty == false ? token : nil,
            expiration: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(CredentialEndpoint.date)
        )
    }
}
