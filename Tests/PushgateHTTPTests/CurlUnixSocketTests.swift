import Foundation
import PushgateCore
import PushgateHTTP
import Testing

/// `HTTPRequest.connection.unixSocketPath` reaches the server on the socket (CURLOPT_UNIX_SOCKET_PATH) with
/// the URL's path and Host, as the Docker Engine API is spoken on `/var/run/docker.sock`.
@Suite struct CurlUnixSocketTests {
    @Test func aRequestWithASocketPathIsSentOverTheSocket() async throws {
        let body = #"{"ApiVersion":"1.41"}"#
        let responder = try UnixSocketResponder(
            response: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        )
        defer { responder.stop() }
        let request = HTTPRequest(
            method: "GET",
            url: "http://localhost/v1.41/version?x=1",
            connection: HTTPConnectionOptions(unixSocketPath: responder.path)
        )
        let response = try await withCurlHTTPClient { try await $0.execute(request) }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == body)
        let head = try #require(responder.requestHeads.first)
        #expect(head.hasPrefix("GET /v1.41/version?x=1 HTTP/1.1\r\n"))
        #expect(head.lowercased().contains("host: localhost\r\n"))
    }

    @Test func aMissingSocketIsAConnectFailureNotAResponse() async throws {
        let request = HTTPRequest(
            method: "GET",
            url: "http://localhost/v1.41/_ping",
            connection: HTTPConnectionOptions(unixSocketPath: "/tmp/pushgate-no-such-\(UUID().uuidString.prefix(8)).sock")
        )
        let error = await transportError { _ = try await withCurlHTTPClient { try await $0.execute(request) } }
        #expect(error?.code == .connectFailed)
    }
}
