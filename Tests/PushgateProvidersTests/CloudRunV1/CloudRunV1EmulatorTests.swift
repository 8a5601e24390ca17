import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// `cloud-run:push` through libcurl against the loopback V1 emulator, with a real JWT-bearer token
/// exchange, in both answer shapes the real API allows: `jobs.run` answering the Execution and a job
/// ready at once, or a bare answer, a job ready only after reads and an execution that appears late
/// (docs/provider-apis.md §8.2–§8.5).
@Suite("Cloud Run V1 against the emulator")
struct CloudRunV1EmulatorTests {
    enum Shape: String, CaseIterable, Sendable {
        case executionInRunAnswer, executionAppearsLate

        func tune(_ configuration: inout CloudRunV1EmulatorConfiguration) {
            switch self {
            case .executionInRunAnswer:
                configuration.runAnswersExecution = true
                configuration.readyAfterReads = 0
            case .executionAppearsLate:
                configuration.runAnswersExecution = false
                configuration.readyAfterReads = 2
                configuration.executionNotFoundReads = 2
            }
        }
    }

    static func withEmulator(_ shape: Shape, _ body: (CloudRunV1Emulator, any Provider) async throws -> Void) async throws {
        let account = try CloudRunEndToEndTests.serviceAccount()
        var configuration = CloudRunV1EmulatorConfiguration(serviceAccounts: [account.email: account.pem], projects: ["proj-1"])
        shape.tune(&configuration)
        let emulator = try CloudRunV1Emulator.start(configuration: configuration)
        defer { emulator.stop() }
        try await withCurlHTTPClient { http in
            let credentials = try CredentialsFile(
                parsing: """
                    [gcp fake]
                    key_file = \(CloudRunEndToEndTests.keyPath)
                    project = proj-1
                    token_uri = \(emulator.tokenURI)
                    run_endpoint = \(emulator.baseURL)
                    """,
                path: "/tmp/pushgate-test-credentials.ini",
                kinds: [.gcp]
            )
            let provider = try ProviderRegistration.cloudRunV1.makeProvider(
                .init(credentials: credentials, profile: "fake", http: http, clock: RecordingSleepClock(), environment: [:])
            )
            try await body(emulator, provider)
        }
    }

    static func job(_ extra: JSONValue, run: Int) throws -> SubmissionJob {
        var variables = CloudRunV1RequestTests.variables.objectValue!
        variables.merge(extra.objectValue ?? [:]) { _, new in new }
        return try BearerProviderTestSupport.job(
            template: "cloud-run-push.json",
            variables: .object(variables),
            runID: String(format: "00000000-0000-4000-8000-%012d", run)
        )
    }

    @Test(arguments: Shape.allCases)
    func runsEndAsTheirExecutionsDidWithOneJobAndOneExecutionEach(_ shape: Shape) async throws {
        try await Self.withEmulator(shape) { emulator, provider in
            let cases: [(JSONValue, ProviderStatus.State)] = [
                ([:], .completed), (["command": "python flow.py; exit 3"], .failed), (["image": "gcr.io/p/crash:1"], .crashed),
            ]
            for (index, (extra, want)) in cases.enumerated() {
                let job = try Self.job(extra, run: index)
                let handle = try await provider.submit(job)
                // A repeat (an earlier attempt's job adopted) starts nothing new.
                #expect(try await provider.submit(job).value.hasPrefix(handle.value))
                let seen = try await provider.pollUntilTerminal(handle, job: job, limit: 30)
                #expect(seen.last?.state == want, "\(extra): \(seen)")
                if want == .failed { #expect(seen.last?.exitCode == 3) }
                if want == .crashed { #expect(seen.last?.reason?.contains("CPU quota exceeded") == true) }
                try await provider.cleanUp(handle, job: job)
            }
            let counts = emulator.counts
            #expect(counts.jobsCreated == 3 && counts.executionsStarted == 3 && counts.jobsHeld == 0, "\(counts)")
            #expect(emulator.executionsPerJob.values.allSatisfy { $0 == 1 })
            #expect(counts.invalidRequests == 0)
        }
    }

    @Test(arguments: Shape.allCases)
    func aCancelledRunEndsCancelled(_ shape: Shape) async throws {
        try await Self.withEmulator(shape) { emulator, provider in
            let job = try Self.job(["image": "gcr.io/p/slow:1"], run: 9)
            var handle = try await provider.submit(job)
            if shape == .executionAppearsLate {
                // The bare answer names no execution; the job's latestCreatedExecution completes it.
                handle = try #require(try await provider.lookUp(job))
            }
            #expect(handle.value.contains("/executions/"))
            try await provider.cancel(handle, job: job, reason: "test")
            let seen = try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true, limit: 30)
            #expect(seen.last?.state == .cancelled, "\(seen)")
            #expect(emulator.counts.executionsDeleted == 1)
        }
    }

    @Test func aMissingImageEndsTheSubmissionWithTheMessage() async throws {
        try await Self.withEmulator(.executionInRunAnswer) { emulator, provider in
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(try Self.job(["image": "gcr.io/p/missing:1"], run: 5)) }
            #expect(error?.message.contains("Image not found.") == true)
            #expect(emulator.counts.jobsHeld == 0 && emulator.counts.executionsStarted == 0)
        }
    }
}
