import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateHTTPServer
import Testing

@Suite("HTTPServer: what emulators and the API server rely on", .timeLimit(.minutes(1)))
struct HTTPServerTests {
    @Test func bindsAKernelChosenLoopbackPort() throws {
        let first = try HTTPServer { _ in .text(200, "a") }
        defer { first.stop() }
        let second = try HTTPServer { _ in .text(200, "b") }
        defer { second.stop() }
        #expect(first.port != 0)
        #expect(first.port != second.port)
        #expect(first.baseURL == "http://127.0.0.1:\(first.port)")
    }

    @Test func handlerSeesQueryHeadersAndDecodedArguments() async throws {
        let recorder = RequestRecorder()
        let server = try recorder.server(answering: .json(200, "{}", headers: ["Retry-After": "7", "x-ms-request-id": "abc"]))
        defer { server.stop() }
        let url = "\(server.baseURL)/subscriptions/s-1/containerGroups?api-version=2023-05-01&name=a%20b&flag"
        let response = try await withCurlHTTPClient {
            try await $0.execute(HTTPRequest(method: "GET", url: url, headers: ["Authorization": "Bearer t", "X-Multi": "1"]))
        }
        #expect(response.headers["Retry-After"] == "7")
        #expect(response.headers["x-ms-request-id"] == "abc")
        #expect(response.headers["Content-Type"] == "application/json")
        let seen = try #require(recorder.requests.first)
        #expect(seen.path == "/subscriptions/s-1/containerGroups")
        #expect(seen.query == "api-version=2023-05-01&name=a%20b&flag")
        #expect(seen.target == "/subscriptions/s-1/containerGroups?api-version=2023-05-01&name=a%20b&flag")
        #expect(seen.queryValue("api-version") == "2023-05-01")
        #expect(seen.queryValue("name") == "a b")
        #expect(seen.queryValue("flag") == "")
        #expect(seen.headers["authorization"] == "Bearer t")
        #expect(seen.connectionID == 1)
    }

    @Test func arbitraryStatusCodesPassThrough() async throws {
        let server = try HTTPServer { request in
            switch request.path {
            case "/throttle": return .throttled(retryAfterSeconds: 3, json: #"{"__type":"ThrottlingException"}"#)
            case "/unavailable": return .json(503, #"{"error":{"code":"ServiceUnavailable"}}"#)
            default: return .text(404, "no route")
            }
        }
        defer { server.stop() }
        try await withCurlHTTPClient { client in
            let throttled = try await client.execute(HTTPRequest(method: "POST", url: "\(server.baseURL)/throttle"))
            #expect(throttled.status == 429)
            #expect(throttled.headers["Retry-After"] == "3")
            #expect(String(decoding: throttled.body, as: UTF8.self).contains("ThrottlingException"))
            #expect(try await client.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/unavailable")).status == 503)
            #expect(try await client.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/nope")).status == 404)
        }
    }

    /// A select(2)-based daemon drops every connection whose descriptor is past FD_SETSIZE; a busy
    /// gateway (or this test runner) has that many open.
    @Test func connectionsWithDescriptorsPastFDSetSizeAreServed() async throws {
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        while held.count < 1100 {
            let descriptor = open("/dev/null", O_RDONLY)
            try #require(descriptor >= 0)
            held.append(descriptor)
        }
        try #require((held.last ?? 0) >= 1024)
        let server = try HTTPServer { request in .text(200, "seen \(request.path)") }
        defer { server.stop() }
        try await withCurlHTTPClient { client in
            for index in 0..<5 {
                let response = try await client.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/n/\(index)"))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == "seen /n/\(index)")
            }
        }
    }

    @Test func oversizedRequestBodyIsRefusedWith413WithoutReachingTheHandler() async throws {
        let recorder = RequestRecorder()
        let server = try HTTPServer(configuration: HTTPServerConfiguration(maxRequestBodySize: 1000)) {
            request in
            recorder.record(request)
            return .text(200, "ok")
        }
        defer { server.stop() }
        // Bodies a little and a lot past the limit, larger than a socket buffer: each is read to its end
        // before the answer, so the client gets the 413 and never a connection reset.
        let oversized = [5000, 300_000, 900_000, 5000, 300_000]
        try await withCurlHTTPClient { client in
            for size in oversized {
                let big = try await client.execute(
                    HTTPRequest(method: "POST", url: "\(server.baseURL)/in", body: Data(count: size))
                )
                #expect(big.status == 413)
            }
            let fits = try await client.execute(
                HTTPRequest(method: "POST", url: "\(server.baseURL)/in", body: Data(count: 1000))
            )
            #expect(fits.status == 200)
        }
        #expect(recorder.requests.map(\.body.count) == [1000])
        #expect(server.statistics.requestsRejectedForSize == oversized.count)
    }

    @Test func stopCutsSlowHandlersShortAndClosesThePort() async throws {
        let server = try HTTPServer { _ in .slow(30, .text(200, "late")) }
        let port = server.port
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        let task = Task { try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/")) }
        #expect(await eventually { server.statistics.requestsHandled == 1 })
        let stoppedAt = Date()
        server.stop()
        #expect(Date().timeIntervalSince(stoppedAt) < 10, "stop did not wait for the 30 s delay")
        let error = await transportError { _ = try await task.value }
        #expect(error?.code == .connectionReset)
        let refused = await transportError {
            _ = try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        }
        #expect(refused?.code == .connectFailed)
        server.stop()  // idempotent
    }

    @Test func gracefulStopLetsARequestInProgressFinish() async throws {
        let server = try HTTPServer { _ in .slow(0.3, .text(200, "finished")) }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        let url = "\(server.baseURL)/"
        let task = Task { try await client.execute(HTTPRequest(method: "GET", url: url)) }
        #expect(await eventually { server.statistics.requestsHandled == 1 })
        server.stop(gracePeriod: 10)
        let response = try await task.value
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "finished")
    }

    @Test func scopedServerStopsAfterTheBody() async throws {
        let port = try await withHTTPServer(handler: { _ in .text(200, "ok") }) { server in
            let response = try await withCurlHTTPClient { try await $0.execute(HTTPRequest(method: "GET", url: server.baseURL)) }
            #expect(response.status == 200)
            return server.port
        }
        let error = await transportError {
            _ = try await withCurlHTTPClient { try await $0.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/")) }
        }
        #expect(error?.code == .connectFailed)
    }
}
