import CCurl
import Foundation
import PushgateCore

/// The libcurl transport: every request of the process goes through one multi handle, driven by one
/// event-loop thread this client owns (https://curl.se/libcurl/c/libcurl-multi.html). The multi handle
/// keeps connections alive for reuse and multiplexes HTTP/2 streams; many requests are in flight at
/// once without a thread each. Call ``shutdown()`` (or use ``withCurlHTTPClient(configuration:_:)``)
/// to stop the loop thread.
package final class CurlHTTPClient: HTTPClient, Sendable {
    package let configuration: CurlHTTPClientConfiguration
    private let loop: CurlEventLoop

    package init(configuration: CurlHTTPClientConfiguration = CurlHTTPClientConfiguration()) throws(HTTPClientError) {
        try CurlGlobal.ensureInitialized()
        self.configuration = configuration
        loop = try CurlEventLoop(configuration: configuration)
        try loop.start()
    }

    deinit { loop.stop() }

    /// Sends `request`; the response's headers are followed by its trailers, if any.
    package func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await perform(request).mergedResponse
    }

    /// Sends `request` with per-request options and returns the response with trailers kept apart.
    /// Cancelling the calling task detaches the request from the multi handle and throws `.cancelled`.
    package func perform(
        _ request: HTTPRequest,
        options: CurlRequestOptions = CurlRequestOptions()
    ) async throws -> CurlHTTPResult {
        let transfer = try CurlTransfer(request: request, options: options, configuration: configuration)
        let loop = self.loop
        loop.statistics.withLock { $0.transfersStarted += 1 }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                if !loop.submit(transfer) {
                    transfer.continuation = nil
                    continuation.resume(
                        throwing: HTTPClientError(.cancelled, "\(transfer.label): the client was shut down")
                    )
                }
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }

    /// Stops the event-loop thread and joins it; requests still in flight fail with `.cancelled`, and
    /// later requests fail at once. Safe to call more than once.
    package func shutdown() {
        loop.stop()
    }

    /// How the client has used libcurl so far.
    package var statistics: CurlHTTPClientStatistics {
        loop.statistics.withLock { $0 }
    }
}
