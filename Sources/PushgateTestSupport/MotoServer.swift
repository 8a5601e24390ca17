import Foundation
import Synchronization

/// A real `moto_server` (PyPI `moto[server]`) on a free loopback port, with SigV4 checking switched on
/// the way docs/build-notes.md §4 describes: while auth is off, boto3 creates an IAM user with an allow-all
/// policy and an access key, and a role that user may assume (allowed `ecs:*`); then
/// `POST /moto-api/reset-auth` (`text/plain`, body `0`) makes every later request need a valid signature.
/// Stopped by ``stop()`` or on deinit.
package final class MotoServer: Sendable {
    package struct Bootstrap: Sendable, Decodable {
        /// The IAM user's long-term key (signs requests once auth is on).
        package var accessKeyID: String
        package var secretAccessKey: String
        /// A role the user may assume, allowed `ecs:*`.
        package var roleARN: String
        package var accountID: String
    }

    package let port: UInt16
    package let bootstrap: Bootstrap
    private let process: Mutex<Process?>

    /// `http://127.0.0.1:<port>`.
    package var endpoint: String { "http://127.0.0.1:\(port)" }

    /// A credentials-file section (`[aws NAME]`) with the bootstrap user's keys, us-east-1 and this endpoint.
    package func credentialsProfile(_ name: String = "moto") -> String {
        """
        [aws \(name)]
        access_key_id = \(bootstrap.accessKeyID)
        secret_access_key = \(bootstrap.secretAccessKey)
        region = us-east-1
        endpoint_url = \(endpoint)

        """
    }

    /// True when `moto_server` and boto3 can be run here.
    package static var isAvailable: Bool {
        PythonScript.canImport("moto.server") && PythonScript.canImport("boto3")
    }

    /// True in CI (`CI=true`), where a missing moto must fail tests instead of skipping them.
    package static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    /// Starts moto, waits until it accepts connections, bootstraps the IAM user and role, switches auth on.
    package init(readyTimeout: TimeInterval = 20) async throws {
        let port = try LoopbackPort.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.port = port
        self.process = Mutex(process)
        do {
            let deadline = Date().addingTimeInterval(readyTimeout)
            while !MotoServer.accepts(port: port) {
                guard process.isRunning, Date() < deadline else {
                    throw MotoServerError("moto_server did not accept connections on 127.0.0.1:\(port) within \(readyTimeout) s")
                }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            let output = try PythonScript.run(MotoServer.bootstrapScript, arguments: ["http://127.0.0.1:\(port)"])
            bootstrap = try JSONDecoder().decode(Bootstrap.self, from: Data(output.utf8))
        } catch {
            MotoServer.terminate(process)
            throw error
        }
    }

    deinit { stop() }

    /// Terminates moto and waits for it. Safe to call more than once.
    package func stop() {
        let running = process.withLock { current -> Process? in
            defer { current = nil }
            return current
        }
        guard let running else { return }
        MotoServer.terminate(running)
    }

    /// SIGTERM, then SIGKILL after 3 s (``Process/stop(grace:)``).
    private static func terminate(_ process: Process) { process.stop(grace: 3) }

    package struct MotoServerError: Error, CustomStringConvertible {
        package var description: String
        init(_ description: String) { self.description = description }
    }

    static let bootstrapScript = #"""
        import json, sys, urllib.request
        import boto3
        from botocore.config import Config
        url = sys.argv[1]
        kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="bootstrap",
                  aws_secret_access_key="bootstrap", config=Config(retries={"max_attempts": 1}))
        iam = boto3.client("iam", **kw)
        iam.create_user(UserName="pushgate")
        iam.put_user_policy(UserName="pushgate", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="pushgate")["AccessKey"]
        account = "123456789012"
        role = iam.create_role(RoleName="ecs-runner", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::%s:user/pushgate" % account}}]}))["Role"]
        iam.put_role_policy(RoleName="ecs-runner", PolicyName="ecs", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}))
        req = urllib.request.Request(url + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req).read()
        print(json.dumps({"accessKeyID": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"],
                          "roleARN": role["Arn"], "accountID": account}))
        """#

    static func accepts(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
