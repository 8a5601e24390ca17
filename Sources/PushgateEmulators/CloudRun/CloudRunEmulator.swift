import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// A loopback fake of Cloud Run v2 jobs plus Google's token endpoint, checking credentials the way the
/// real service does: RS256 assertions verified with the service account's public key, bearer tokens
/// issued and expiring, URL and body shapes, Google error JSON; executions walk pending → running →
/// completed, and every answer shape the real API allows can be chosen (short or full execution
/// references, run operations with or without metadata, stale 404 reads; docs/provider-apis.md §3,
/// §3.9). Used by tests, `pushgate emulate` and `pushgate demo`.
///
/// ```swift
/// let fake = try CloudRunEmulator.start(configuration: .init(serviceAccounts: [email: pem], projects: ["p"]))
/// defer { fake.stop() }
/// // token_uri = fake.tokenURI, run_endpoint = fake.baseURL
/// ```
package final class CloudRunEmulator: Sendable {
    package let configuration: CloudRunEmulatorConfiguration
    package let tokens = IssuedTokens(prefix: "ya29.")
    let tokenEndpoint: GoogleTokenEndpoint
    let faults: FaultInjector
    let state: Mutex<CloudRunEmulatorState>
    private let server: Mutex<HTTPServer?>
    private let boundURL: Mutex<String>

    private init(configuration: CloudRunEmulatorConfiguration) throws(EmulatorError) {
        self.configuration = configuration
        tokenEndpoint = try GoogleTokenEndpoint(
            configuration: GoogleTokenEndpoint.Configuration(
                serviceAccounts: configuration.serviceAccounts,
                tokenLifetime: configuration.tokenLifetime
            ),
            tokens: tokens
        )
        faults = FaultInjector(configuration.faults)
        state = Mutex(CloudRunEmulatorState(seed: configuration.faults.seed))
        server = Mutex(nil)
        boundURL = Mutex("")
    }

    /// Starts the fake on a loopback port.
    package static func start(configuration: CloudRunEmulatorConfiguration) throws -> CloudRunEmulator {
        let emulator = try CloudRunEmulator(configuration: configuration)
        let server = try HTTPServer(configuration: configuration.server) { [weak emulator] request in
            emulator?.handle(request) ?? .text(503, "stopped")
        }
        emulator.server.withLock { $0 = server }
        emulator.boundURL.withLock { $0 = server.baseURL }
        return emulator
    }

    /// `http://127.0.0.1:<port>`: the profile's `run_endpoint`.
    package var baseURL: String { boundURL.withLock { $0 } }
    /// The profile's `token_uri`.
    package var tokenURI: String { baseURL + configuration.tokenPath }

    /// Stops the server and joins its threads; safe to call twice.
    package func stop() {
        let running = server.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        running?.stop()
    }

    package var statistics: CloudRunEmulatorStatistics {
        var statistics = state.withLock { state -> CloudRunEmulatorStatistics in
            state.observeAll(pacing: configuration.pacing, now: Date())
            var statistics = state.statistics
            statistics.concurrentExecutions = state.unfinishedExecutions
            return statistics
        }
        statistics.tokensIssued = tokens.count
        statistics.faultsInjected = faults.injected
        return statistics
    }

    /// Deletes a job (and its executions) as someone outside the gateway would.
    package func deleteJobExternally(id: String) {
        state.withLock { state in
            for (name, job) in state.jobs where job.id == id {
                job.executions.forEach { state.executions[$0] = nil }
                state.jobs[name] = nil
            }
        }
    }

    /// The ids of the jobs the fake holds (created and not deleted), sorted.
    package var jobIDs: [String] { state.withLock { state in state.jobs.values.map(\.id).sorted() } }

    /// The full names of the executions the fake holds that have not completed, sorted.
    package var unfinishedExecutionNames: [String] {
        state.withLock { state in state.executions.values.filter { $0.completionTime == nil }.map(\.name).sorted() }
    }

    /// Makes every issued token expired, so the next call gets 401 and the client must refresh.
    package func expireTokens() { tokens.expireAll(now: Date()) }

    /// The body of the job with this id as the fake received it (for request-shape assertions).
    package func jobBody(id: String) -> JSONValue? {
        state.withLock { state in state.jobs.values.first { $0.id == id }?.body }
    }

    /// Google's error JSON `{"error":{"code","message","status"}}`.
    static func errorBody(_ code: Int, _ message: String, status: String? = nil) -> String {
        let body: JSONValue = [
            "error": ["code": .int(Int64(code)), "message": .string(message), "status": .string(status ?? statusName(code))]
        ]
        return body.serialized()
    }

    static func error(_ code: Int, _ message: String, status: String? = nil) -> ServerResponse {
        .json(code, errorBody(code, message, status: status))
    }

    /// HTTP status → google.rpc.Code name (docs/provider-apis.md §3.1).
    static func statusName(_ code: Int) -> String {
        switch code {
        case 400: return "INVALID_ARGUMENT"
        case 401: return "UNAUTHENTICATED"
        case 403: return "PERMISSION_DENIED"
        case 404: return "NOT_FOUND"
        case 409: return "ALREADY_EXISTS"
        case 429: return "RESOURCE_EXHAUSTED"
        case 503: return "UNAVAILABLE"
        case 504: return "DEADLINE_EXCEEDED"
        default: return "INTERNAL"
        }
    }
}
