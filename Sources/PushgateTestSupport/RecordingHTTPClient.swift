import Foundation
import PushgateCore
import Synchronization

/// A scripted `HTTPClient`: answers each request with the closure's response and records every request,
/// so tests check exactly what would go on the wire (soto's `MockAWSHTTPClient` pattern).
package final class RecordingHTTPClient: HTTPClient, Sendable {
    package typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

    private let handler: Handler
    private let recorded = Mutex<[HTTPRequest]>([])

    package init(_ handler: @escaping Handler) { self.handler = handler }

    /// Every request seen so far, in order.
    package var requests: [HTTPRequest] { recorded.withLock { $0 } }

    package func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        recorded.withLock { $0.append(request) }
        return try await handler(request)
    }

    /// A 200 response with a JSON (or any text) body.
    package static func ok(_ body: String, headers: HTTPHeaders = ["Content-Type": "application/json"]) -> HTTPResponse {
        HTTPResponse(status: 200, headers: headers, body: Data(body.utf8))
    }
}
