import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// A loopback ECS API for the demo, load and crash tests (no moto needed): JSON 1.1 over HTTP/1.1 with
/// real SigV4 verification (the signature is recomputed with ``PushgateSigning/AWSSigV4Signer``), the
/// task-definition and task calls pushgate makes (docs/provider-apis.md §2), `clientToken` idempotency (the
/// same token never starts a second workload), configurable task lifecycles and outcomes, and seeded
/// fault injection. `GET /_emulator/stats` returns ``statistics`` as JSON.
///
/// ```swift
/// let ecs = try FakeECSServer(FakeECSConfiguration(lifecycle: .perDescribe(describesPerState: 1)))
/// defer { ecs.stop() }
/// // point an [aws] profile's endpoint_url at ecs.endpoint, sign with ecs.configuration's key
/// ```
package final class FakeECSServer: Sendable {
    package let configuration: FakeECSConfiguration
    let state: Mutex<FakeECSState>
    let faults: FaultInjector
    private let server: Mutex<HTTPServer?>
    package let port: UInt16

    package init(_ configuration: FakeECSConfiguration = FakeECSConfiguration(), port: UInt16 = 0) throws {
        self.configuration = configuration
        let state = Mutex(FakeECSState(clusters: configuration.clusters, seed: configuration.faults.seed))
        self.state = state
        let faults = FaultInjector(configuration.faults)
        self.faults = faults
        let box = HandlerBox()
        let server = try HTTPServer(configuration: HTTPServerConfiguration(port: port)) { request in
            box.handle(request)
        }
        self.server = Mutex(server)
        self.port = server.port
        box.target.withLock { $0.server = self }
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>`: an `endpoint_url` for an `[aws]` profile.
    package var endpoint: String { "http://127.0.0.1:\(port)" }

    package var statistics: FakeECSStatistics {
        var stats = state.withLock { $0.statistics }
        stats.faultsInjected = faults.injected
        return stats
    }

    /// Stops the server (joins its threads). Safe to call more than once.
    package func stop() {
        let running = server.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        running?.stop()
    }

    /// Routes one request (``route(_:)``), closing the connection afterwards unless keep-alive is on.
    func handle(_ request: ServerRequest) -> ServerResponse {
        let response = route(request)
        return configuration.keepAlive ? response : response.with(header: "Connection", "close")
    }

    /// The emulator's own endpoints, then SigV4, then faults, then the operation.
    func route(_ request: ServerRequest) -> ServerResponse {
        if request.path == "/_emulator/stats" && request.method == "GET" {
            return .json(200, statistics.json.serialized(pretty: true))
        }
        guard request.method == "POST", request.path == "/" else {
            return FakeECSServer.error(404, "UnknownOperationException", "no route for \(request.method) \(request.path)")
        }
        if let refused = authenticate(request) {
            state.withLock { $0.statistics.authenticationFailures += 1 }
            return refused
        }
        let prefix = "AmazonEC2ContainerServiceV20141113."
        guard let target = request.headers["X-Amz-Target"], target.hasPrefix(prefix) else {
            return FakeECSServer.error(400, "UnknownOperationException", "missing or unknown X-Amz-Target")
        }
        let operation = String(target.dropFirst(prefix.count))
        state.withLock { $0.statistics.calls[operation, default: 0] += 1 }
        let fault = faults.fault(for: operation)
        if operation == "RunTask" {
            let token = (try? JSONValue.parse(request.body))?["clientToken"]?.stringValue
            let attempt = FakeECSStatistics.RunTaskAttempt(at: configuration.now(), clientToken: token, fault: fault.map { "\($0)" })
            state.withLock { $0.statistics.runTaskAttempts.append(attempt) }
        }
        return FaultInjector.respond(fault, errorBody: FakeECSServer.faultBody) {
            let body: JSONValue
            do {
                body = request.body.isEmpty ? .object([:]) : try JSONValue.parse(request.body)
            } catch {
                return FakeECSServer.error(400, "SerializationException", "the body is not JSON: \(error)")
            }
            return perform(operation, body)
        }
    }

    /// ECS answers: throttling as HTTP 400 `ThrottlingException` (or 429), server faults as `ServerException`.
    static func faultBody(_ status: Int) -> String {
        switch status {
        case 400, 429: return error(status, "ThrottlingException", "Rate exceeded").bodyText
        default: return error(status, "ServerException", "Service unavailable (injected)").bodyText
        }
    }

    /// `{"__type": code, "message": message}` with `status`.
    static func error(_ status: Int, _ code: String, _ message: String, extra: [String: JSONValue] = [:]) -> ServerResponse {
        var members: [String: JSONValue] = ["__type": .string(code), "message": .string(message)]
        members.merge(extra) { _, new in new }
        return .json(status, JSONValue.object(members).serialized(), headers: ["Content-Type": "application/x-amz-json-1.1"])
    }
}

/// Lets the server's handler reach the ``FakeECSServer`` that owns it, set once after start.
/// The reference is weak so the server can be released (and stopped) when its owner lets go.
private final class HandlerBox: Sendable {
    struct Weak { weak var server: FakeECSServer? }
    let target = Mutex(Weak())
    func handle(_ request: ServerRequest) -> ServerResponse {
        guard let server = target.withLock({ $0.server }) else { return .text(503, "not running") }
        return server.handle(request)
    }
}

extension ServerResponse {
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}
