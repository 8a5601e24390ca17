import PushgateCore

/// Runs `body` with a fresh client that is guaranteed to be shut down (its loop thread joined) when
/// `body` returns or throws, in the style of AsyncHTTPClient's `withHTTPClient`.
package func withCurlHTTPClient<Result>(
    configuration: CurlHTTPClientConfiguration = CurlHTTPClientConfiguration(),
    _ body: (CurlHTTPClient) async throws -> Result
) async throws -> Result {
    let client = try CurlHTTPClient(configuration: configuration)
    do {
        let result = try await body(client)
        client.shutdown()
        return result
    } catch {
        client.shutdown()
        throw error
    }
}
