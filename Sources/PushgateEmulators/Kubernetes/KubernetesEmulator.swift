import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// A loopback fake of the kube-apiserver calls pushgate makes (docs/provider-apis.md §10.6): batch/v1 Jobs
/// created, read, listed by label selector and deleted with a propagation policy; pods derived from each Job,
/// listed by label, with their log. It checks the bearer token, answers `Status` objects with the real
/// reasons and codes (AlreadyExists 409, NotFound 404, Unauthorized 401, TooManyRequests 429 with
/// `Retry-After`), and is no kinder than a cluster: a Job has no pod at first and its conditions lag its pod.
/// The image picks the outcome: `imagepull` never pulls (ErrImagePull, then ImagePullBackOff), `configerror`
/// hits CreateContainerConfigError, `unschedulable` stays Pending, `fail` fails (BackoffLimitExceeded),
/// `deadline` fails DeadlineExceeded, anything else completes. It serves plain HTTP on loopback; the tests put
/// a TLS front before it (a test CA's server certificate, client certificates verified against that CA and
/// passed on as `X-Remote-User`, as kube-apiserver's request-header authentication does).
package final class KubernetesEmulator: Sendable {
    package let configuration: KubernetesEmulatorConfiguration
    let state = Mutex(KubernetesEmulatorState())
    private let server: Mutex<HTTPServer?> = Mutex(nil)
    private let boundURL = Mutex("")

    private init(configuration: KubernetesEmulatorConfiguration) {
        self.configuration = configuration
        state.withLock { $0.tokens = [configuration.token] }
    }

    package static func start(configuration: KubernetesEmulatorConfiguration) throws -> KubernetesEmulator {
        let emulator = KubernetesEmulator(configuration: configuration)
        let server = try HTTPServer(configuration: configuration.server) { [weak emulator] request in
            emulator?.handle(request) ?? .text(503, "stopped")
        }
        emulator.server.withLock { $0 = server }
        emulator.boundURL.withLock { $0 = server.baseURL }
        return emulator
    }

    /// `http://127.0.0.1:<port>`: the kubeconfig's cluster `server`.
    package var baseURL: String { boundURL.withLock { $0 } }

    package func stop() {
        let running = server.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        running?.stop()
    }

    /// `namespace/name` of every Job the fake holds (not yet deleted), sorted.
    package var jobNames: [String] { state.withLock { $0.jobs.keys.sorted() } }
    /// Jobs ever created (a 409 creates none).
    package var jobsCreated: Int { state.withLock { $0.created } }
    /// Successful creates per `namespace/name` ever (a 409 is none; a deleted Job still counts).
    package var createsByName: [String: Int] { state.withLock { $0.createsByName } }
    /// Calls per operation (`jobs.create`, `jobs.list`, …).
    package var calls: [String: Int] { state.withLock { $0.calls } }
    /// The next `count` API calls answer 429 with `Retry-After: seconds`.
    package func throttle(next count: Int, retryAfter seconds: Int = 1) {
        state.withLock {
            $0.throttled = count
            $0.retryAfter = seconds
        }
    }
    /// From now on only `token` is accepted: the old one answers 401, as an expired or rotated token does.
    package func rotateToken(to token: String) { state.withLock { $0.tokens = [token] } }
    /// Accepts `token` too (one cluster, several users).
    package func acceptToken(_ token: String) { state.withLock { _ = $0.tokens.insert(token) } }
    /// Stops accepting `token`: it answers 401 from now on, as an expired or revoked one does.
    package func revokeToken(_ token: String) { state.withLock { _ = $0.tokens.remove(token) } }
    /// Calls answered 401 Unauthorized.
    package var unauthorizedCalls: Int { state.withLock { $0.unauthorized } }
    /// Calls let in per user: `token:<last 4>` for a bearer token, `cert:<name>` for a client certificate.
    package var callsByUser: [String: Int] { state.withLock { $0.users } }
    /// The body of a Job as received, for request-shape assertions.
    package func jobBody(namespace: String, name: String) -> JSONValue? { state.withLock { $0.jobs["\(namespace)/\(name)"]?.body } }
    /// Creates a Job as someone outside the gateway would (for the name-taken path).
    package func createExternally(namespace: String, name: String, labels: [String: String]) {
        let body: JSONValue = [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(labels.mapValues(JSONValue.string))],
            "spec": ["template": ["spec": ["containers": [["name": "c", "image": "busybox"]], "restartPolicy": "Never"]]],
        ]
        state.withLock {
            $0.jobs["\(namespace)/\(name)"] = KubernetesEmulatorState.Job(body: body, created: Date(), uid: UUID().uuidString.lowercased())
        }
    }

    /// A `Status` object as the API server writes it.
    static func status(_ code: Int, reason: String, _ message: String, kind: String? = nil, name: String? = nil) -> ServerResponse {
        var body: [String: JSONValue] = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if let kind, let name { body["details"] = ["name": .string(name), "group": "batch", "kind": .string(kind)] }
        return .json(code, JSONValue.object(body).serialized())
    }
}
