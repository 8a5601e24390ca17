import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// A loopback fake of Vertex AI's `customJobs` API plus Google's token endpoint, written from the
/// `aiplatform.v1` discovery document (docs/provider-apis.md §9.6): bearer tokens checked as the Cloud
/// Run emulators check them, `customJobs.create` with the body checked as the real API checks it
/// (``VertexCustomJobCheck``) and a server-assigned numeric id, `customJobs.get` walking
/// `JOB_STATE_QUEUED` → `PENDING` → `RUNNING` → `SUCCEEDED`/`FAILED` (outcomes from ``WorkloadOutcome``;
/// an image containing `missing` fails as one that cannot be pulled), `customJobs.list` with a label
/// filter and pages, `:cancel` (`CANCELLING`, then `CANCELLED`), and Google's error JSON. The answer
/// shapes the real API allows are options (``VertexEmulatorConfiguration``). Used by tests and
/// `pushgate emulate`.
package final class VertexEmulator: Sendable {
    package let configuration: VertexEmulatorConfiguration
    package let tokens = IssuedTokens(prefix: "ya29.")
    let tokenEndpoint: GoogleTokenEndpoint
    let state: Mutex<VertexEmulatorState>
    private let server: Mutex<HTTPServer?> = Mutex(nil)
    private let boundURL = Mutex("")

    private init(configuration: VertexEmulatorConfiguration) throws(EmulatorError) {
        self.configuration = configuration
        tokenEndpoint = try GoogleTokenEndpoint(
            configuration: GoogleTokenEndpoint.Configuration(
                serviceAccounts: configuration.serviceAccounts,
                tokenLifetime: configuration.tokenLifetime
            ),
            tokens: tokens
        )
        // Real ids are 19-digit int64s; a random start keeps two emulators' ids apart.
        state = Mutex(VertexEmulatorState(firstID: UInt64.random(in: 1_000_000_000_000_000_000...8_000_000_000_000_000_000)))
    }

    package static func start(configuration: VertexEmulatorConfiguration) throws -> VertexEmulator {
        let emulator = try VertexEmulator(configuration: configuration)
        let server = try HTTPServer(configuration: configuration.server) { [weak emulator] request in
            emulator?.handle(request) ?? .text(503, "stopped")
        }
        emulator.server.withLock { $0 = server }
        emulator.boundURL.withLock { $0 = server.baseURL }
        return emulator
    }

    /// The profile's `aiplatform_endpoint`.
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

    package var statistics: VertexEmulatorStatistics {
        var statistics = state.withLock { $0.statistics }
        statistics.tokensIssued = tokens.count
        return statistics
    }

    /// Makes every issued token expired, so the next call gets 401 and the client must refresh.
    package func expireTokens() { tokens.expireAll(now: Date()) }

    /// The full names of the jobs the fake holds, oldest first, as `name` is answered.
    package var jobNames: [String] {
        state.withLock { state in
            state.jobs.values.sorted { $0.createTime < $1.createTime }.map(name)
        }
    }

    /// The body of the job with this full name (or id) as the fake received it.
    package func jobBody(_ nameOrID: String) -> JSONValue? {
        let id = nameOrID.split(separator: "/").last.map(String.init) ?? nameOrID
        return state.withLock { $0.jobs[id]?.body }
    }

    /// `projects/{number or id}/locations/{l}/customJobs/{id}`, the project as configured.
    func name(_ job: VertexEmulatorState.Job) -> String {
        let project = configuration.nameProject == .number ? configuration.projects[job.project] ?? job.project : job.project
        return "projects/\(project)/locations/\(job.location)/customJobs/\(job.id)"
    }

    /// The project id a path names by id or by number; nil for a project the service accounts may not use.
    func projectID(_ named: String) -> String? {
        if configuration.projects[named] != nil { return named }
        return configuration.projects.first { $0.value == named }?.key
    }
}
