import Foundation
import PushgateCore
import PushgateHTTP
import PushgateTestSupport
import Testing

/// A self-signed HTTPS server on loopback: `openssl` makes the key and certificate, a small python3
/// `ssl` server serves them. With `requireClientCertificate` it also makes a self-signed client certificate
/// (``clientCertificatePath``, ``clientKeyPath``) and refuses a handshake without it, as a `tcp://` Docker
/// daemon with `--tlsverify` does. Stopped (process terminated and reaped) by ``stop()``.
final class SelfSignedTLSServer {
    let directory: URL
    let certificatePath: String
    let port: UInt16
    let clientCertificatePath: String
    let clientKeyPath: String
    private let process: Process
    private let input: Pipe

    init(requireClientCertificate: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        clientCertificatePath = directory.appendingPathComponent("client-cert.pem").path
        clientKeyPath = directory.appendingPathComponent("client-key.pem").path
        if requireClientCertificate {
            try Self.run(
                "/usr/bin/env",
                [
                    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", clientKeyPath, "-out", clientCertificatePath,
                    "-days", "1", "-subj", "/CN=pushgate-client",
                ]
            )
        }
        try Self.run(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certificatePath,
                "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ]
        )
        let script = """
            import http.server, ssl, sys, threading
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200)
                    self.send_header("Content-Length", "6")
                    self.end_headers()
                    self.wfile.write(b"secure")
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            if len(sys.argv) > 3:
                context.verify_mode = ssl.CERT_REQUIRED
                context.load_verify_locations(sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            print(server.server_address[1], flush=True)
            sys.stdin.read()
            """
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, certificatePath, keyPath] + (requireClientCertificate ? [clientCertificatePath] : [])
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = UInt16(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.stop(grace: 5)
            throw POSIXError(.EIO)
        }
        self.port = port
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        // stop(grace:) ends in SIGKILL: the server inherits an ignored SIGTERM while an in-process gateway
        // watches for signals, and a bare terminate-and-wait pinned both test threads forever.
        process.stop(grace: 5)
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }
}

@Suite("CurlHTTPClient: TLS verification", .timeLimit(.minutes(1)))
struct CurlHTTPClientTLSTests {
    @Test func selfSignedServerIsRejectedUnlessItsCAIsGiven() async throws {
        let server = try SelfSignedTLSServer()
        defer { server.stop() }
        let request = HTTPRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/hello")

        let error = await transportError {
            _ = try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(timeout: 10)) {
                try await $0.execute(request)
            }
        }
        #expect(error?.code == .tls)
        #expect(error?.isAmbiguous == false)

        let trusting = CurlHTTPClientConfiguration(timeout: 10, caBundlePath: server.certificatePath)
        let response = try await withCurlHTTPClient(configuration: trusting) { try await $0.execute(request) }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "secure")
    }

    /// `HTTPRequest.connection` carries what a Docker daemon with `--tlsverify` needs: the daemon's CA for this
    /// request only, and a client certificate and key; without the certificate the handshake fails.
    @Test func aRequestPresentsItsClientCertificateAndTrustsItsOwnCA() async throws {
        let server = try SelfSignedTLSServer(requireClientCertificate: true)
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/hello"
        let configuration = CurlHTTPClientConfiguration(timeout: 10)
        let withCertificate = HTTPRequest(
            method: "GET",
            url: url,
            connection: HTTPConnectionOptions(
                clientCertificatePath: server.clientCertificatePath,
                clientKeyPath: server.clientKeyPath,
                caBundlePath: server.certificatePath
            )
        )
        let response = try await withCurlHTTPClient(configuration: configuration) { try await $0.execute(withCertificate) }
        #expect(response.status == 200)

        let withoutCertificate = HTTPRequest(method: "GET", url: url, connection: HTTPConnectionOptions(caBundlePath: server.certificatePath))
        let error = await transportError {
            _ = try await withCurlHTTPClient(configuration: configuration) { try await $0.execute(withoutCertificate) }
        }
        #expect(error != nil)
    }
}
