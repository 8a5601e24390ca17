import Foundation
import PushgateCore
import PushgateHTTPServer
import PushgateRegistry
import PushgateServer
import PushgateTestSupport

/// The API router over the harness's store and provider, called without a socket.
extension ServerTestHarness {
    func router() -> APIRouter {
        APIRouter(
            store: store,
            providers: Directory(provider: provider),
            catalog: ProviderRegistry.catalog,
            clock: clock,
            metrics: metrics,
            templatesDirectory: Fixtures.repositoryRoot().appendingPathComponent("templates")
        )
    }

    /// The response's status and its body as JSON (or as a string when it is not JSON).
    static func call(
        _ router: APIRouter,
        _ method: String,
        _ path: String,
        _ body: String = "",
        query: [String: String] = [:]
    ) async -> (
        Int, JSONValue
    ) {
        let request = ServerRequest(method: method, path: path, queryItems: query.map { .init(name: $0.key, value: $0.value) }, body: Data(body.utf8))
        let response = await router.handle(request)
        return (response.status, (try? JSONValue.parse(response.body)) ?? .string(String(decoding: response.body, as: UTF8.self)))
    }
}
