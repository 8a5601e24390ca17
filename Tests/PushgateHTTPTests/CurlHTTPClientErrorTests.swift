import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateHTTPServer
import Testing

@Suite("CurlHTTPClient: each transport failure maps to its own error code", .timeLimit(.minutes(1)))
struct CurlHTTPClientErrorTests {
    @Test func refusedConnectionIsConnectFailedAndNotAmbiguous() async throws {
        let port = try closedLoopbackPort()
        let error = await transportError {
            _ = try await withCurlHTTPClient { try await $0.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/x")) }
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.isAmbiguous == false)
        #expect(error?.underlyingCode == 7)  // CURLE_COULDNT_CONNECT
    }

    @Test func stalledTLSHandshakeIsConnectTimeout() async throws {
        let listener = try SilentListener()
        let configuration = CurlHTTPClientConfiguration(connectTimeout: 0.3, timeout: 10)
        let error = await transportError {
            _ = try await withCurlHTTPClient(configuration: configuration) {
                try await $0.execute(HTTPRequest(method: "GET", url: "https://127.0.0.1:\(listener.port)/x"))
            }
        }
        #expect(error?.code == .connectTimeout)
        #expect(error?.isAmbiguous == false)
        withExtendedLifetime(listener) {}
    }

    @Test func slowServerIsTotalTimeoutAndAmbiguous() async throws {
        let server = try HTTPServer { _ in .slow(30, .text(200, "late")) }
        defer { server.stop() }
        let error = await transportError {
            _ = try await withCurlHTTPClient { client in
                try await client.execute(HTTPRequest(method: "POST", url: "\(server.baseURL)/slow", timeout: 0.3))
            }
        }
        #expect(error?.code == .timeout)
        #expect(error?.isAmbiguous == true)
        #expect(server.statistics.requestsHandled == 1)
    }

    @Test func serverThatNeverAnswersIsTimeoutNotConnectTimeout() async throws {
        let listener = try SilentListener()
        let error = await transportError {
            _ = try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(connectTimeout: 5, timeout: 0.3)) {
                try await $0.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(listener.port)/x"))
            }
        }
        #expect(error?.code == .timeout)
        withExtendedLifetime(listener) {}
    }

    @Test func droppedConnectionIsConnectionReset() async throws {
        let server = try HTTPServer { _ in .dropConnection }
        defer { server.stop() }
        let error = await transportError {
            _ = try await withCurlHTTPClient { try await $0.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/drop")) }
        }
        #expect(error?.code == .connectionReset)
        #expect(error?.isAmbiguous == true)
        #expect(server.statistics.connectionsDropped == 1)
    }

    @Test func oversizedBodyIsResponseTooLarge() async throws {
        let server = try HTTPServer { _ in .oversized(byteCount: 300_000) }
        defer { server.stop() }
        let configuration = CurlHTTPClientConfiguration(maxResponseBodySize: 100_000)
        try await withCurlHTTPClient(configuration: configuration) { client in
            let error = await transportError {
                _ = try await client.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/big"))
            }
            #expect(error?.code == .responseTooLarge)
            #expect(error?.message.contains("100000") == true)
        }
    }

    @Test func oversizedBodyWithoutLengthIsStoppedByTheWriteCallback() async throws {
        var big = ServerResponse.oversized(byteCount: 300_000)
        big.chunked = true
        let response = big
        let server = try HTTPServer { _ in response }
        defer { server.stop() }
        let error = await transportError {
            _ = try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(maxResponseBodySize: 100_000)) {
                try await $0.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/stream"))
            }
        }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.underlyingCode == 23)  // CURLE_WRITE_ERROR: no Content-Length, so the callback stopped it
    }

    @Test func bodyUnderTheLimitIsDelivered() async throws {
        let server = try HTTPServer { _ in .oversized(byteCount: 300_000) }
        defer { server.stop() }
        let response = try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(maxResponseBodySize: 300_000)) {
            try await $0.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/big"))
        }
        #expect(response.body.count == 300_000)
    }

    @Test func errorMessagesNameTheRequestButNoSecrets() async throws {
        let port = try closedLoopbackPort()
        let request = HTTPRequest(
            method: "POST",
            url: "http://user:pw-secret@127.0.0.1:\(port)/v1/run?token=query-secret",
            headers: ["Authorization": "Bearer header-secret", "x-modal-token-secret": "modal-secret"]
        )
        let error = await transportError { _ = try await withCurlHTTPClient { try await $0.execute(request) } }
        let text = try #require(error).description
        #expect(text.contains("POST http://127.0.0.1:\(port)/v1/run"))
        for secret in ["query-secret", "header-secret", "modal-secret", "pw-secret", "token="] {
            #expect(!text.contains(secret), "\(secret) leaked into: \(text)")
        }
    }

    @Test func headerWithLineBreakIsRejectedBeforeSending() async throws {
        let error = await transportError {
            _ = try await withCurlHTTPClient { client in
                try await client.execute(
                    HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", headers: ["X-Bad": "a\r\nInjected: yes"])
                )
            }
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains("Injected") == false)
    }

    @Test func nonHTTPSchemesAreRefused() async throws {
        let error = await transportError {
            _ = try await withCurlHTTPClient { try await $0.execute(HTTPRequest(method: "GET", url: "file:///etc/passwd")) }
        }
        #expect(error?.code == .invalidRequest)
    }
}
