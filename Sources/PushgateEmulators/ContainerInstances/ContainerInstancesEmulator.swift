import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// A loopback fake of Azure Resource Manager's container groups plus the Entra ID token endpoint,
/// checking credentials the way the real services do: client secret and scope at the token endpoint,
/// an issued, unexpired bearer token and an accepted `api-version` on every ARM call, and the body shape
/// of PUTs; groups walk Pending/Creating → Succeeded with containers Waiting → Running → Terminated
/// (docs/provider-apis.md §4, §4.7). Used by tests, `pushgate emulate` and `pushgate demo`.
package final class ContainerInstancesEmulator: Sendable {
    package let configuration: ContainerInstancesEmulatorConfiguration
    package let tokens = IssuedTokens(prefix: "eyJ0eXAi.")
    let tokenEndpoint: EntraTokenEndpoint
    let faults: FaultInjector
    let state = Mutex(ContainerInstancesEmulatorState())
    private let server: Mutex<HTTPServer?>
    private let boundURL: Mutex<String>

    private init(configuration: ContainerInstancesEmulatorConfiguration) {
        self.configuration = configuration
        tokenEndpoint = EntraTokenEndpoint(
            applications: configuration.applications,
            tokenLifetime: configuration.tokenLifetime,
            tokens: tokens
        )
        faults = FaultInjector(configuration.faults)
        server = Mutex(nil)
        boundURL = Mutex("")
    }

    /// Starts the fake on a loopback port.
    package static func start(configuration: ContainerInstancesEmulatorConfiguration) throws -> ContainerInstancesEmulator {
        let emulator = ContainerInstancesEmulator(configuration: configuration)
        let server = try HTTPServer(configuration: configuration.server) { [weak emulator] request in
            emulator?.handle(request) ?? .text(503, "stopped")
        }
        emulator.server.withLock { $0 = server }
        emulator.boundURL.withLock { $0 = server.baseURL }
        return emulator
    }

    /// `http://127.0.0.1:<port>`: both the profile's `authority` and `management_endpoint`.
    package var baseURL: String { boundURL.withLock { $0 } }

    /// Stops the server and joins its threads; safe to call twice.
    package func stop() {
        let running = server.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        running?.stop()
    }

    package var statistics: ContainerInstancesEmulatorStatistics {
        var statistics = state.withLock { $0.statistics }
        statistics.tokensIssued = tokens.count
        statistics.faultsInjected = faults.injected
        return statistics
    }

    /// Stops a group as someone outside the gateway would (spot eviction, a portal click).
    package func stopExternally(name: String) {
        state.withLock { state in
            for (key, group) in state.groups where group.name == name { state.groups[key]?.stoppedAt = Date() }
        }
    }

    /// Deletes a group as someone outside the gateway would.
    package func deleteExternally(name: String) {
        state.withLock { state in
            for (key, group) in state.groups where group.name == name {
                state.groups[key] = nil
                state.live.remove(key)
            }
        }
    }

    /// The PUT body of the group with this name as received (with its secure values), for assertions.
    package func groupBody(name: String) -> JSONValue? {
        state.withLock { state in state.groups.values.first { $0.name == name }?.body }
    }

    /// Makes every issued token expired, so the next call gets 401 and the client must refresh.
    package func expireTokens() { tokens.expireAll(now: Date()) }

    /// ARM's error JSON `{"error":{"code","message"}}`.
    static func errorBody(_ code: String, _ message: String) -> String {
        let body: JSONValue = ["error": ["code": .string(code), "message": .string(message)]]
        return body.serialized()
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> ServerResponse {
        .json(status, errorBody(code, message))
    }

    static func injectedCode(_ status: Int) -> String {
        switch status {
        case 429: return "TooManyRequests"
        case 503: return "ServiceUnavailable"
        default: return "InternalServerError"
        }
    }
}
