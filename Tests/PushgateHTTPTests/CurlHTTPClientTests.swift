import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateHTTPServer
import Testing

@Suite("CurlHTTPClient: requests, bodies, headers, connection reuse", .timeLimit(.minutes(1)))
struct CurlHTTPClientTests {
    @Test func postBodyArrivesByteExactWithHeaders() async throws {
        let recorder = RequestRecorder()
        let server = try recorder.server(answering: .json(201, #"{"created":true}"#, headers: ["X-Answer": "42"]))
        defer { server.stop() }
        let body = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let request = HTTPRequest(
            method: "POST",
            url: "\(server.baseURL)/v1/things?dry=1",
            headers: ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonEC2.RunTask", "X-Empty": ""],
            body: body
        )
        let response = try await withCurlHTTPClient { try await $0.execute(request) }

        #expect(response.status == 201)
        #expect(response.headers["x-answer"] == "42")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"created":true}"#)
        let seen = try #require(recorder.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.path == "/v1/things")
        #expect(seen.query == "dry=1")
        #expect(seen.body == body)
        #expect(seen.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(seen.headers["X-Amz-Target"] == "AmazonEC2.RunTask")
        #expect(seen.headers["Content-Length"] == "4096")
        #expect(seen.headers.values("X-Empty") == [""])
        #expect(seen.headers["Expect"] == nil)
    }

    @Test func bodyWithoutContentTypeGetsNoFormDefault() async throws {
        let recorder = RequestRecorder()
        let server = try recorder.server(answering: ServerResponse(status: 204))
        defer { server.stop() }
        try await withCurlHTTPClient { client in
            for method in ["PUT", "PATCH", "DELETE"] {
                let response = try await client.execute(
                    HTTPRequest(method: method, url: "\(server.baseURL)/r", body: Data("{\"a\":1}".utf8))
                )
                #expect(response.status == 204)
            }
            _ = try await client.execute(HTTPRequest(method: "DELETE", url: "\(server.baseURL)/empty"))
        }
        let seen = recorder.requests
        #expect(seen.map(\.method) == ["PUT", "PATCH", "DELETE", "DELETE"])
        #expect(seen.prefix(3).allSatisfy { $0.headers["Content-Type"] == nil && $0.bodyText == "{\"a\":1}" })
        #expect(seen[3].body.isEmpty)
        #expect(seen[3].headers["Content-Length"] == "0")
    }

    @Test func twoHundredConcurrentRequestsShareOneMultiHandle() async throws {
        let server = try HTTPServer { request in
            .text(200, "echo \(request.path)", headers: ["X-Index": request.queryValue("i") ?? "?"])
        }
        defer { server.stop() }
        let configuration = CurlHTTPClientConfiguration(maxConnectionsPerHost: 8)
        let client = try CurlHTTPClient(configuration: configuration)
        defer { client.shutdown() }

        let results = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
            for index in 0..<200 {
                group.addTask {
                    (index, try await client.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/item/\(index)?i=\(index)")))
                }
            }
            var collected: [Int: HTTPResponse] = [:]
            for try await (index, response) in group { collected[index] = response }
            return collected
        }

        #expect(results.count == 200)
        for (index, response) in results {
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "echo /item/\(index)")
            #expect(response.headers["X-Index"] == String(index))
        }
        let stats = client.statistics
        #expect(stats.multiHandlesCreated == 1)
        #expect(stats.loopThreadsStarted == 1)
        #expect(stats.transfersFinished == 200)
        #expect(stats.maxTransfersInFlight > 8, "requests were in flight together on the one multi handle")
        #expect(stats.connectionsOpened <= 8)
        #expect(server.statistics.connectionsAccepted <= 8)
        #expect(server.statistics.requestsHandled == 200)
    }

    @Test func sequentialRequestsReuseOneKeptAliveConnection() async throws {
        let recorder = RequestRecorder()
        let server = try recorder.server()
        defer { server.stop() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        for index in 0..<10 {
            let response = try await client.execute(HTTPRequest(method: "GET", url: "\(server.baseURL)/n/\(index)"))
            #expect(response.status == 200)
        }
        #expect(server.statistics.requestsHandled == 10)
        #expect(server.statistics.connectionsAccepted == 1)
        #expect(client.statistics.connectionsOpened == 1)
        #expect(Set(recorder.requests.map(\.connectionID)).count == 1)
    }

    /// A non-idempotent POST never rides a reused connection (libcurl could re-send it silently), unless it
    /// carries a token the server deduplicates on; idempotent calls keep sharing one.
    @Test func nonIdempotentCallsGetFreshConnectionsUnlessTheServerDeduplicates() async throws {
        let recorder = RequestRecorder()
        let server = try recorder.server()
        defer { server.stop() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        func connections(idempotent: Bool, token: Bool, tag: String) async throws -> Int {
            for index in 0..<5 {
                let request = HTTPRequest(
                    method: "POST",
                    url: "\(server.baseURL)/\(tag)/\(index)",
                    body: Data("x".utf8),
                    isIdempotent: idempotent,
                    carriesIdempotencyToken: token
                )
                #expect(try await client.execute(request).status == 200)
            }
            return Set(recorder.requests.filter { $0.path.hasPrefix("/\(tag)/") }.map(\.connectionID)).count
        }
        #expect(try await connections(idempotent: false, token: false, tag: "plain") == 5)
        #expect(try await connections(idempotent: false, token: true, tag: "token") == 1)
        #expect(try await connections(idempotent: true, token: false, tag: "safe") == 1)
    }

    @Test func responseReportsHTTP11AndSendsUserAgent() async throws {
        let recorder = RequestRecorder()
        let server = try recorder.server()
        defer { server.stop() }
        let result = try await withCurlHTTPClient { client in
            try await client.perform(HTTPRequest(method: "GET", url: "\(server.baseURL)/v"))
        }
        #expect(result.httpVersion == .http1_1)
        #expect(result.trailers.fields.isEmpty)
        #expect(recorder.requests.first?.headers["User-Agent"] == "pushgate")
    }

    @Test func priorKnowledgeHTTP2IsReallySpokenOnCleartext() async throws {
        // libmicrohttpd speaks only HTTP/1.1, so an h2c prior-knowledge request must fail there while
        // the same request over HTTP/1.1 succeeds: proof the per-request option reaches libcurl.
        let server = try HTTPServer { _ in .text(200, "ok") }
        defer { server.stop() }
        try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(timeout: 30)) { client in
            let request = HTTPRequest(method: "POST", url: "\(server.baseURL)/grpc", headers: ["TE": "trailers"])
            let plain = try await client.perform(request)
            #expect(plain.response.status == 200)
            let error = await transportError {
                _ = try await client.perform(request, options: CurlRequestOptions(httpVersion: .http2PriorKnowledge))
            }
            #expect(error != nil)
            #expect(error?.code != .cancelled)
        }
    }

    @Test func trailersArriveApartFromHeaders() async throws {
        let server = try HTTPServer { _ in
            ServerResponse(
                status: 200,
                headers: ["Content-Type": "application/grpc"],
                body: Data([0, 0, 0, 0, 2, 8, 1]),
                trailers: ["grpc-status": "0", "grpc-message": "ok"]
            )
        }
        defer { server.stop() }
        try await withCurlHTTPClient { client in
            let request = HTTPRequest(method: "POST", url: "\(server.baseURL)/modal.client.ModalClient/SandboxCreate")
            let result = try await client.perform(request)
            #expect(result.response.body == Data([0, 0, 0, 0, 2, 8, 1]))
            #expect(result.response.headers["Content-Type"] == "application/grpc")
            #expect(result.response.headers["grpc-status"] == nil)
            #expect(result.trailers["grpc-status"] == "0")
            #expect(result.trailers["grpc-message"] == "ok")
            let merged = try await client.execute(request)
            #expect(merged.headers["grpc-status"] == "0")
            #expect(merged.headers["Transfer-Encoding"] == "chunked")
        }
    }
}
