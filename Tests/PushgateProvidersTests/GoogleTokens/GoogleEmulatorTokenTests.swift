import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// The credentials guarantees of the three Google providers over real HTTP against their loopback
/// emulators, each built by its registration from a `[gcp]` profile with the public test
/// service-account key: a real JWT-bearer exchange whose token is cached across every call, and a token
/// that expires gets one 401, is refreshed once and the call goes through (docs/provider-apis.md §3.7,
/// §8.1, §9.1). The metadata-server path and the refresh before expiry are
/// ``GoogleProviderTokenTests``.
@Suite("Google tokens against the emulators")
struct GoogleEmulatorTokenTests {
    enum API: String, CaseIterable, Sendable {
        case cloudRunV2, cloudRunV1, vertexAI

        var registration: ProviderRegistration {
            switch self {
            case .cloudRunV2: return .cloudRunV2
            case .cloudRunV1: return .cloudRunV1
            case .vertexAI: return .vertexAI
            }
        }

        func job() throws -> SubmissionJob {
            switch self {
            case .cloudRunV2: return try CloudRunEndToEndTests.job()
            case .cloudRunV1: return try CloudRunV1EmulatorTests.job([:], run: 1)
            case .vertexAI: return try VertexEmulatorTests.job(run: 1)
            }
        }
    }

    /// One started emulator as these tests use it.
    struct Emulator {
        var profile: String
        var expireTokens: @Sendable () -> Void
        /// 401s answered, tokens issued.
        var counts: @Sendable () -> (unauthorized: Int, tokensIssued: Int)
        var stop: @Sendable () -> Void
    }

    /// Starts `api`'s emulator with workloads that run for a long time once started.
    static func start(_ api: API) throws -> Emulator {
        let account = try CloudRunEndToEndTests.serviceAccount()
        let pacing = WorkloadPacing.perPoll(pending: 0, running: 1_000)
        func profile(project: String, tokenURI: String, endpoint: String) -> String {
            """
            [gcp fake]
            key_file = \(CloudRunEndToEndTests.keyPath)
            project = \(project)
            token_uri = \(tokenURI)
            \(endpoint)
            """
        }
        switch api {
        case .cloudRunV2:
            let fake = try CloudRunEmulator.start(
                configuration: .init(serviceAccounts: [account.email: account.pem], projects: [CloudRunEndToEndTests.project], pacing: pacing)
            )
            return Emulator(
                profile: profile(project: CloudRunEndToEndTests.project, tokenURI: fake.tokenURI, endpoint: "run_endpoint = \(fake.baseURL)"),
                expireTokens: { fake.expireTokens() },
                counts: { (fake.statistics.unauthorized, fake.statistics.tokensIssued) },
                stop: { fake.stop() }
            )
        case .cloudRunV1:
            var configuration = CloudRunV1EmulatorConfiguration(serviceAccounts: [account.email: account.pem], projects: ["proj-1"], pacing: pacing)
            configuration.readyAfterReads = 0
            let fake = try CloudRunV1Emulator.start(configuration: configuration)
            return Emulator(
                profile: profile(project: "proj-1", tokenURI: fake.tokenURI, endpoint: "run_endpoint = \(fake.baseURL)"),
                expireTokens: { fake.expireTokens() },
                counts: { fake.tokenCounts },
                stop: { fake.stop() }
            )
        case .vertexAI:
            let fake = try VertexEmulator.start(
                configuration: .init(serviceAccounts: [account.email: account.pem], projects: ["proj-1": "410078334512"], pacing: pacing)
            )
            return Emulator(
                profile: profile(project: "proj-1", tokenURI: fake.tokenURI, endpoint: "aiplatform_endpoint = \(fake.baseURL)"),
                expireTokens: { fake.expireTokens() },
                counts: { (fake.statistics.unauthorized, fake.statistics.tokensIssued) },
                stop: { fake.stop() }
            )
        }
    }

    @Test(arguments: API.allCases)
    func aTokenIsCachedAndAnExpiredOneGets401OnceIsRefreshedAndTheCallGoesThrough(_ api: API) async throws {
        let emulator = try Self.start(api)
        defer { emulator.stop() }
        try await withCurlHTTPClient { http in
            let credentials = try CredentialsFile(parsing: emulator.profile, path: "/tmp/pushgate-test-credentials.ini", kinds: [.gcp])
            let provider = try api.registration.makeProvider(
                .init(credentials: credentials, profile: "fake", http: http, clock: RecordingSleepClock(), environment: [:])
            )
            let job = try api.job()
            let handle = try await provider.submit(job)
            let running = try await provider.pollUntilTerminal(handle, job: job, limit: 3)
            #expect(running.map(\.state) == [.running, .running, .running], "\(running)")
            #expect(emulator.counts() == (0, 1), "one token for every call so far: \(emulator.counts())")

            emulator.expireTokens()
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .running)
            #expect(emulator.counts() == (1, 2), "one 401, one refresh: \(emulator.counts())")
            // The refreshed token is cached in turn.
            _ = try await provider.pollUntilTerminal(handle, job: job, limit: 2)
            #expect(emulator.counts() == (1, 2))
        }
    }
}
