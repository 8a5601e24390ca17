import Foundation
import PushgateHTTPServer
import PushgateTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What one hostile client cannot do to the others (issue 21), with real sockets on loopback: the
/// attacker connects from 127.0.0.1, the legitimate client from 127.0.0.2, and libmicrohttpd tells them
/// apart by address (MHD_OPTION_PER_IP_CONNECTION_LIMIT,
/// https://www.gnu.org/software/libmicrohttpd/manual/libmicrohttpd.html#microhttpd_002dconst).
@Suite("HTTPServer: hostile peers", .timeLimit(.minutes(1)))
struct HTTPServerHostilePeerTests {
    /// A partial request: a request line and one header, never ended by the blank line.
    static let partialRequest = "GET /slow HTTP/1.1\r\nHost: attacker\r\n"
    static let request = "GET /hello HTTP/1.1\r\nHost: client\r\nConnection: close\r\n\r\n"

    /// Slowloris: one address opens more connections than the whole server allows and trickles header
    /// bytes on each. Past its per-address share every connection is closed at once, and a client from
    /// another address is still answered promptly.
    @Test func aSlowlorisFromOneAddressLeavesRoomForOthers() throws {
        let outcome = try slowloris(maxConnections: 6, maxConnectionsPerClient: 3, attackers: 8)
        #expect(outcome.attackersClosed == 5, "8 opened, 3 allowed")
        #expect(outcome.attackersHeld == 3)
        #expect(outcome.status == 200)
        #expect(outcome.seconds < 2, "the other client waited \(outcome.seconds) s")
        #expect(outcome.clientClosed, "Connection: close")
    }

    /// The same attack with no per-address limit takes every connection the server has: only the surplus
    /// past the global limit is closed, and so is the other client's connection, unanswered. This is what
    /// the test above guards against.
    @Test func withoutTheLimitTheSameSlowlorisLocksEveryoneOut() throws {
        let outcome = try slowloris(maxConnections: 6, maxConnectionsPerClient: 0, attackers: 8, patience: 1.5)
        #expect(outcome.attackersClosed == 2, "8 opened, 6 allowed")
        #expect(outcome.attackersHeld == 6)
        #expect(outcome.status == nil, "the other client was answered \(String(describing: outcome.status))")
        #expect(outcome.clientClosed, "libmicrohttpd closes a connection past its limit")
    }

    /// libmicrohttpd 0.9.75 has no deadline for a request's headers: its connection timeout counts idle
    /// seconds, and each trickled byte starts them again. A silent connection is closed; a trickling one,
    /// at three times the timeout, is still read and answered.
    @Test func theIdleTimeoutEndsSilentPeersButNotTricklingOnes() throws {
        let configuration = HTTPServerConfiguration(idleConnectionTimeout: 1, maxConnectionsPerClient: 4)
        let server = try HTTPServer(configuration: configuration) { _ in .text(200, "late but served") }
        defer { server.stop() }
        let silent = try LoopbackTCPConnection(port: server.port)
        defer { silent.close() }
        silent.send(Self.partialRequest)
        let trickling = try LoopbackTCPConnection(port: server.port)
        defer { trickling.close() }
        trickling.send(Self.partialRequest)
        let start = Date()
        var index = 0
        while Date().timeIntervalSince(start) < 3 {
            usleep(250_000)
            #expect(trickling.send("X-Trickle-\(index): 1\r\n"), "closed after \(Date().timeIntervalSince(start)) s")
            index += 1
        }
        #expect(silent.closedByPeer(within: 0.1), "the silent connection outlived 3 s of a 1 s timeout")
        trickling.send("\r\n")
        let answer = trickling.read(timeout: 5)
        #expect(LoopbackTCPConnection.status(of: answer.bytes) == 200)
    }

    /// A header block past libmicrohttpd's per-connection buffer (MHD_OPTION_CONNECTION_MEMORY_LIMIT,
    /// 32 KiB by default) is answered with an error and the connection closed; the handler never runs.
    @Test func anOversizedHeaderBlockIsRefusedWithoutReachingTheHandler() throws {
        let recorder = RequestRecorder()
        let server = try HTTPServer(configuration: HTTPServerConfiguration(maxConnectionsPerClient: 4)) { request in
            recorder.record(request)
            return .text(200, "ok")
        }
        defer { server.stop() }
        let connection = try LoopbackTCPConnection(port: server.port)
        defer { connection.close() }
        let header = "X-Padding: " + String(repeating: "a", count: 40 * 1024) + "\r\n"
        connection.send("GET /big HTTP/1.1\r\nHost: client\r\n" + header + "\r\n")
        let answer = connection.read(timeout: 5)
        #expect(answer.closed)
        #expect(LoopbackTCPConnection.status(of: answer.bytes) == 431, "\(String(decoding: answer.bytes.prefix(200), as: UTF8.self))")
        #expect(recorder.requests.isEmpty)
        #expect(server.statistics.requestsHandled == 0)
    }

    /// A declared body past the limit is still refused with 413 under the per-address limit, before the
    /// handler runs and without the body being sent.
    @Test func anOversizedBodyIsStill413() throws {
        let recorder = RequestRecorder()
        let configuration = HTTPServerConfiguration(maxRequestBodySize: 1000, maxConnectionsPerClient: 4)
        let server = try HTTPServer(configuration: configuration) { request in
            recorder.record(request)
            return .text(200, "ok")
        }
        defer { server.stop() }
        let connection = try LoopbackTCPConnection(port: server.port)
        defer { connection.close() }
        connection.send("POST /in HTTP/1.1\r\nHost: client\r\nContent-Length: \(64 * 1024 * 1024)\r\n\r\n")
        let answer = connection.read(timeout: 5)
        #expect(LoopbackTCPConnection.status(of: answer.bytes) == 413)
        #expect(answer.closed)
        #expect(recorder.requests.isEmpty)
        #expect(server.statistics.requestsRejectedForSize == 1)
    }

    struct SlowlorisOutcome {
        /// Attacker connections the server closed.
        var attackersClosed = 0
        /// Attacker connections still open when the other client had its answer (or gave up).
        var attackersHeld = 0
        /// The other client's status code; nil when it got no answer within its patience.
        var status: Int?
        /// How long the other client waited.
        var seconds: TimeInterval = 0
        /// Whether the server closed the other client's connection within its patience.
        var clientClosed = false
    }

    /// Opens `attackers` connections from 127.0.0.1, each sending a partial request and then a header
    /// line every 0.2 s, then one request from 127.0.0.2 that waits up to `patience` seconds.
    private func slowloris(
        maxConnections: UInt32,
        maxConnectionsPerClient: UInt32,
        attackers: Int,
        patience: TimeInterval = 5
    ) throws -> SlowlorisOutcome {
        let configuration = HTTPServerConfiguration(maxConnections: maxConnections, maxConnectionsPerClient: maxConnectionsPerClient)
        let server = try HTTPServer(configuration: configuration) { request in .text(200, "hello \(request.path)") }
        defer { server.stop() }
        var connections: [LoopbackTCPConnection] = []
        defer { connections.forEach { $0.close() } }
        for _ in 0..<attackers {
            let connection = try LoopbackTCPConnection(port: server.port, from: "127.0.0.1")
            connection.send(Self.partialRequest)
            connections.append(connection)
        }
        // The server takes up to its limits; the attacker keeps every connection it was given busy.
        var open = connections
        var outcome = SlowlorisOutcome()
        for round in 0..<3 {
            usleep(200_000)
            open = open.filter { $0.send("X-Slow-\(round): 1\r\n") && !$0.closedByPeer(within: 0.01) }
        }
        outcome.attackersClosed = connections.count - open.count
        let client = try LoopbackTCPConnection(port: server.port, from: "127.0.0.2")
        defer { client.close() }
        let start = Date()
        client.send(Self.request)
        let answer = client.read(timeout: patience)
        outcome.seconds = Date().timeIntervalSince(start)
        outcome.status = LoopbackTCPConnection.status(of: answer.bytes)
        outcome.clientClosed = answer.closed
        outcome.attackersHeld = open.filter { $0.send("X-Slow-last: 1\r\n") && !$0.closedByPeer(within: 0.01) }.count
        return outcome
    }
}
