import PushgateSigning

/// A source of AWS credentials (docs/provider-apis.md §2.9). Implementations fetch; caching is
/// ``CachedAWSCredentialProvider``'s job. A source that does not apply here throws
/// ``CredentialsError`` `.notConfigured`, so ``AWSCredentialChain`` moves on.
package protocol AWSCredentialProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

/// Fixed keys from the credentials file.
package struct StaticAWSCredentialProvider: AWSCredentialProvider {
    package var value: AWSCredentials
    package init(_ value: AWSCredentials) { self.value = value }
    package func credentials() async throws -> AWSCredentials { value }
}
