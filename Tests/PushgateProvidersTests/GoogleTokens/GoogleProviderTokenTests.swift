import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Synchronization
import Testing

/// The credentials guarantees of the three Google providers, `cloud-run-v2:push`, `cloud-run:push` and
/// `vertex-ai:push`, each built by its registration from a `[gcp]` profile on the metadata server
/// (docs/provider-apis.md §3.7, §8.1, §9.1): one token fetch for many calls, a refresh before expiry, one
/// refresh and re-send on a 401, and a second 401 refused without fetching again. The service-account
/// path against the emulators is ``GoogleEmulatorTokenTests``.
@Suite("Google tokens for Cloud Run v2, Cloud Run V1 and Vertex AI")
struct GoogleProviderTokenTests {
    /// The metadata server and the API on one recording client: tokens `meta-1`, `meta-2`… that expire in
    /// an hour; the API refuses the tokens in `refused` with 401.
    final class Google: Sendable {
        let fetched = Mutex(0)
        let refused: Set<String>
        init(refused: Set<String>) { self.refused = refused }

        var http: RecordingHTTPClient {
            RecordingHTTPClient { request in
                if request.url.contains("/computeMetadata/v1/") {
                    let n = self.fetched.withLock { count -> Int in
                        count += 1
                        return count
                    }
                    return RecordingHTTPClient.ok(
                        #"{"access_token":"meta-\#(n)","expires_in":3600,"token_type":"Bearer"}"#,
                        headers: ["Metadata-Flavor": "Google"]
                    )
                }
                let token = request.headers["Authorization"]?.replacingOccurrences(of: "Bearer ", with: "") ?? ""
                if self.refused.contains(token) {
                    return HTTPResponse(status: 401, body: Data(#"{"error":{"code":401,"status":"UNAUTHENTICATED","message":"expired"}}"#.utf8))
                }
                // A job that does not exist (the Cloud Run look-ups answer nil); an empty custom-job list (Vertex).
                if request.url.contains("/apis/run.googleapis.com/") || request.url.contains("/v2/projects/") {
                    return HTTPResponse(status: 404, body: Data(#"{"error":{"code":404,"status":"NOT_FOUND","message":"no"}}"#.utf8))
                }
                return RecordingHTTPClient.ok("{}")
            }
        }
    }

    static let kinds: [ProviderKind] = [.cloudRunV2, .cloudRunV1, .vertexAI]

    static func provider(_ kind: ProviderKind, _ http: any HTTPClient, clock: ManualClock) throws -> any Provider {
        let credentials = try CredentialsFile(
            parsing: """
                [gcp meta]
                source = metadata
                project = proj-1
                metadata_endpoint = http://127.0.0.1:8086
                run_endpoint = http://127.0.0.1:8087
                aiplatform_endpoint = http://127.0.0.1:8088
                """,
            path: "/tmp/pushgate-test-credentials.ini",
            kinds: [.gcp]
        )
        let registration = try #require([ProviderRegistration.cloudRunV2, .cloudRunV1, .vertexAI].first { $0.kind == kind })
        return try registration.makeProvider(.init(credentials: credentials, profile: "meta", http: http, clock: clock, environment: [:]))
    }

    static func job(_ kind: ProviderKind) throws -> SubmissionJob {
        switch kind {
        case .cloudRunV2: return try CloudRunEndToEndTests.job()
        case .cloudRunV1: return try CloudRunV1RequestTests.job()
        default: return try VertexProviderTests.job()
        }
    }

    @Test(arguments: kinds)
    func aTokenIsCachedRefreshedBeforeExpiryAndRefreshedOnceOn401(_ kind: ProviderKind) async throws {
        let google = Google(refused: ["meta-1"])
        let http = google.http
        let clock = ManualClock()
        let provider = try Self.provider(kind, http, clock: clock)
        let job = try Self.job(kind)
        // meta-1 is refused: one refresh (meta-2) and the call is sent again.
        #expect(try await provider.lookUp(job) == nil)
        #expect(google.fetched.withLock { $0 } == 2)
        let apiCalls = http.requests.filter { !$0.url.contains("/computeMetadata/") }
        #expect(apiCalls.map { $0.headers["Authorization"] } == ["Bearer meta-1", "Bearer meta-2"])
        #expect(apiCalls.allSatisfy { $0.url.hasPrefix(kind == .vertexAI ? "http://127.0.0.1:8088/" : "http://127.0.0.1:8087/") })
        // Cached: more calls, no fetch.
        _ = try await provider.lookUp(job)
        _ = try await provider.lookUp(job)
        #expect(google.fetched.withLock { $0 } == 2)
        // Within five minutes of expiry it is refreshed before the call.
        clock.advance(by: 3_600 - 200)
        _ = try await provider.lookUp(job)
        #expect(google.fetched.withLock { $0 } == 3)
        #expect(http.requests.last?.headers["Authorization"] == "Bearer meta-3")
    }

    @Test(arguments: kinds)
    func aSecond401IsRefusedWithoutAnotherFetch(_ kind: ProviderKind) async throws {
        let google = Google(refused: ["meta-1", "meta-2", "meta-3"])
        let provider = try Self.provider(kind, google.http, clock: ManualClock())
        let error = await #expect(throws: ProviderError.self) { try await provider.lookUp(try Self.job(kind)) }
        #expect(error?.code == .unauthorized && error?.httpStatus == 401)
        #expect(google.fetched.withLock { $0 } == 2)
    }
}
