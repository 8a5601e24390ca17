import Foundation

/// A TLS front on 127.0.0.1 for a plain-HTTP loopback fake (the kube-apiserver fake): a small python3 `ssl`
/// server with a test CA's server certificate that forwards every request to `backend`. Client certificates
/// are asked for and, when given, verified against `clientCA` (a certificate from any other CA fails the
/// handshake); a verified one's common name goes on as `X-Remote-User` with `X-Pushgate-Front-Secret: secret`,
/// as kube-apiserver's request-header authentication has its front proxy do. Those two headers are dropped
/// from what the client sent. Stopped (and reaped) by ``stop()``.
package final class TLSFrontProxy {
    package let port: UInt16
    private let process: Process
    private let input: Pipe

    package var baseURL: String { "https://127.0.0.1:\(port)" }

    package init(backend: String, server: TestCertificateAuthority.Issued, clientCA: String, secret: String) throws {
        let script = """
            import http.client, http.server, os, ssl, sys, threading, urllib.parse
            backend = urllib.parse.urlsplit(sys.argv[1])
            secret = os.environ["FRONT_SECRET"]
            dropped = {"x-remote-user", "x-pushgate-front-secret", "connection", "keep-alive", "host"}
            class Front(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def forward(self):
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length) if length else None
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
                    peer = self.connection.getpeercert()
                    if peer:
                        names = [v for rdn in peer.get("subject", ()) for (k, v) in rdn if k == "commonName"]
                        if names:
                            headers["X-Remote-User"] = names[0]
                            headers["X-Pushgate-Front-Secret"] = secret
                    upstream = http.client.HTTPConnection(backend.hostname, backend.port, timeout=30)
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    self.send_response(answer.status)
                    for k, v in answer.getheaders():
                        if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    upstream.close()
                do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward
                def log_message(self, *args):
                    pass
            class Server(http.server.ThreadingHTTPServer):
                daemon_threads = True
                def handle_error(self, request, address):
                    pass
            server = Server(("127.0.0.1", 0), Front)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
            context.verify_mode = ssl.CERT_OPTIONAL
            context.load_verify_locations(sys.argv[4])
            # The handshake runs in each connection's thread: one stalled client cannot hold the others up.
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            print(server.server_address[1], flush=True)
            sys.stdin.read()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, backend, server.certificatePath, server.keyPath, clientCA]
        process.environment = ProcessInfo.processInfo.environment.merging(["FRONT_SECRET": secret]) { $1 }
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = UInt16(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.stop(grace: 5)
            throw PythonScript.Failure(status: -1, standardError: "the TLS front did not start")
        }
        self.port = port
        self.process = process
        self.input = input
    }

    package func stop() {
        try? input.fileHandleForWriting.close()
        process.stop(grace: 5)
    }
}
