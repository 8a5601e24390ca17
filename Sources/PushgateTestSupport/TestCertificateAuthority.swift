import Foundation

/// A throw-away certificate authority made at test time with the `openssl` CLI (P-256 keys, two days'
/// validity), so no private key is committed and nothing expires in the repo. It issues a server certificate
/// for 127.0.0.1 and client certificates by common name; ``remove()`` deletes its folder.
package final class TestCertificateAuthority: Sendable {
    package struct Issued: Sendable {
        package var certificatePath: String
        package var keyPath: String
    }

    package let directory: URL
    package let certificatePath: String
    private let keyPath: String

    package init(name: String = "pushgate-test-ca") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        certificatePath = directory.appendingPathComponent("ca.crt").path
        keyPath = directory.appendingPathComponent("ca.key").path
        try Self.openssl(
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyPath, "-out",
                certificatePath, "-days", "2", "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ]
        )
    }

    /// The API server's certificate: `subjectAltName` 127.0.0.1 and localhost, for server authentication.
    package func issueServer() throws -> Issued {
        try issue("server", subject: "/CN=kube-apiserver", extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    }

    /// A client certificate whose common name is the Kubernetes user name (organisation: its group).
    package func issueClient(commonName: String, organization: String = "system:masters") throws -> Issued {
        try issue(
            "client-\(commonName)",
            subject: "/CN=\(commonName)/O=\(organization)",
            extensions: "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n"
        )
    }

    package func remove() { try? FileManager.default.removeItem(at: directory) }

    private func issue(_ name: String, subject: String, extensions: String) throws -> Issued {
        let key = directory.appendingPathComponent("\(name).key").path
        let request = directory.appendingPathComponent("\(name).csr").path
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let extensionFile = directory.appendingPathComponent("\(name).ext")
        try Data(extensions.utf8).write(to: extensionFile)
        try Self.openssl(
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", request, "-subj", subject]
        )
        try Self.openssl(
            [
                "x509", "-req", "-in", request, "-CA", certificatePath, "-CAkey", keyPath, "-CAcreateserial", "-out", certificate, "-days", "2",
                "-extfile", extensionFile.path,
            ]
        )
        return Issued(certificatePath: certificate, keyPath: key)
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonScript.Failure(status: process.terminationStatus, standardError: "openssl \(arguments.first ?? "") failed")
        }
    }
}
