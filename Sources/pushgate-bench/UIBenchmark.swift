import Foundation
import PushgateCore
import PushgateHTTP
import PushgateRegistry
import PushgateServer
import PushgateStore
import PushgateTestSupport

/// The web pages over real HTTP on loopback with a large SQLite store (issue 20: the pools and runs pages
/// answer in under 50 ms with 1M runs): `pushgate serve`'s API listener in this process, logged in the way
/// a browser is (login form, CSRF cookie, session cookie), each page fetched `rounds` times.
enum UIBenchmark {
    struct Result {
        var runs: Int
        /// Milliseconds per page, by page.
        var pages: [(name: String, ms: Measurement)]
    }

    static let token = "bench-ui-token"

    static func run(runs: Int, due: Int, rounds: Int = 30) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-ui-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("ui.db").path)
        try await BenchStore.populate(store, runs: runs, due: due)
        // The pages count due runs against the router's clock: at BenchStore.base, `due` of them are.
        let router = APIRouter(
            store: store,
            providers: nil,
            catalog: ProviderRegistry.catalog,
            clock: ManualClock(BenchStore.base),
            metrics: MetricsRegistry(),
            templatesDirectory: nil
        )
        var configuration = APIServer.Configuration()
        configuration.port = 0
        configuration.tokens = [token]
        let server = try APIServer(configuration: configuration, router: router, logger: Logger(level: .error) { _ in })
        defer { server.stop() }
        let pages = try await withCurlHTTPClient { http in
            let cookie = try await login(http, base: server.baseURL)
            let newest = try await store.runs(FlowRunFilter(order: .newestFirst, limit: 1)).first?.id ?? ""
            var out: [(String, Measurement)] = []
            for (name, path) in [
                ("pools", "/ui/pools"), ("pool detail", "/ui/pools/bench"), ("runs, first page", "/ui/runs"), ("run", "/ui/runs/\(newest)"),
            ] {
                var samples: [Double] = []
                for round in 0...rounds {
                    let start = ContinuousClock.now
                    let response = try await http.execute(HTTPRequest(method: "GET", url: server.baseURL + path, headers: ["Cookie": cookie]))
                    let elapsed = ContinuousClock.now - start
                    guard response.status == 200 else { throw BenchError("GET \(path) answered \(response.status)") }
                    if round > 0 { samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000) }
                }
                out.append((name, Measurement(samples: samples)))
            }
            return out
        }
        await store.close()
        return Result(runs: runs, pages: pages)
    }

    /// The session cookie, got as a browser gets it: the login page's CSRF cookie and field, then the token.
    private static func login(_ http: CurlHTTPClient, base: String) async throws -> String {
        let page = try await http.execute(HTTPRequest(method: "GET", url: base + "/ui/login"))
        guard let csrf = cookie("pushgate_login", in: page) else { throw BenchError("the login page set no CSRF cookie") }
        let answer = try await http.execute(
            HTTPRequest(
                method: "POST",
                url: base + "/ui/login",
                headers: ["Cookie": "pushgate_login=\(csrf)", "Content-Type": "application/x-www-form-urlencoded"],
                body: Data("csrf=\(csrf)&token=\(token)".utf8)
            )
        )
        guard let session = cookie("pushgate_session", in: answer) else { throw BenchError("login answered \(answer.status) without a session") }
        return "pushgate_session=\(session)"
    }

    private static func cookie(_ name: String, in response: HTTPResponse) -> String? {
        for field in response.headers where field.name.lowercased() == "set-cookie" && field.value.hasPrefix(name + "=") {
            let value = field.value.dropFirst(name.count + 1).prefix { $0 != ";" }
            if !value.isEmpty { return String(value) }
        }
        return nil
    }
}
