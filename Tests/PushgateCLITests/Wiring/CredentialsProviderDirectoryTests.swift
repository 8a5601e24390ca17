import Foundation
import PushgateCLI
import PushgateCore
import PushgateProviders
import PushgateRegistry
import PushgateTestSupport
import Testing

/// The composition root's provider directory: the transport each type declares, and configuration
/// errors that name the pool.
@Suite struct CredentialsProviderDirectoryTests {
    static let credentials = """
        [aws main]
        access_key_id = AKIDEXAMPLE
        secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
        region = us-east-1

        [modal main]
        token_id = ak-example
        token_secret = as-example

        """

    static func pool(_ type: String, profile: String? = "main") -> WorkPool {
        WorkPool(
            id: 1,
            name: "p-\(type)",
            type: type,
            baseJobTemplate: "{}",
            concurrencyLimit: nil,
            isPaused: false,
            credentialsProfile: profile,
            createdAt: Date(timeIntervalSince1970: 0),
            updatedAt: Date(timeIntervalSince1970: 0)
        )
    }

    static func directory() throws -> (CredentialsProviderDirectory, http: RecordingHTTPClient, http2: RecordingHTTPClient) {
        let refuse: RecordingHTTPClient.Handler = { _ in throw CancellationError() }
        let http = RecordingHTTPClient(refuse)
        let http2 = RecordingHTTPClient(refuse)
        let file = try CredentialsFile(parsing: credentials, path: "creds", kinds: ProviderRegistry.profileKinds)
        return (CredentialsProviderDirectory(credentials: file, http: http, http2: http2, clock: SystemClock(), environment: [:]), http, http2)
    }

    @Test func grpcTypesGetTheHTTP2ClientAndRestTypesThePlainOne() throws {
        let (directory, http, http2) = try Self.directory()
        let modal = try #require(try directory.provider(for: Self.pool("modal:push")) as? ModalProvider)
        #expect((modal.client.http as? RecordingHTTPClient) === http2)
        let ecs = try #require(try directory.provider(for: Self.pool("ecs")) as? ECSProvider)
        #expect((ecs.http as? RecordingHTTPClient) === http)
    }

    @Test func unknownTypesAndMissingProfilesSayWhatIsWrong() throws {
        let (directory, _, _) = try Self.directory()
        #expect(Self.failure(directory, Self.pool("lambda"))?.contains("pool 'p-lambda': unknown type 'lambda'") == true)
        #expect(Self.failure(directory, Self.pool("ecs:push", profile: nil))?.hasPrefix("the pool has no credentials profile") == true)
        let other = Self.failure(directory, Self.pool("ecs:push", profile: "other"))
        #expect(other?.hasPrefix("no [aws other] profile in ") == true, "\(other ?? "nil")")
        // Words for the user: no internal error code names.
        #expect(other?.contains("invalidConfiguration") == false && other?.contains("unknownProfile") == false)
    }

    /// The message of the configuration error building `pool`'s provider gives, or nil.
    static func failure(_ directory: CredentialsProviderDirectory, _ pool: WorkPool) -> String? {
        do {
            _ = try directory.provider(for: pool)
            return nil
        } catch {
            guard let error = error as? ProviderError, error.code == .invalidConfiguration else { return "unexpected \(error)" }
            return error.message
        }
    }
}
