import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport
import Testing

/// `pushgate dry-run`: signed ECS requests that botocore re-signs identically, no secret in the output,
/// bad configurations refused before any call, usage and I/O errors.
@Suite struct DryRunCommandTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789"
    static let runVars =
        #"{"image":"python:3.12-slim","command":"python -m flows.etl","network_configuration":{"subnets":["subnet-0abc"],"securityGroups":["sg-0abc"]}}"#
    static let at = "2026-01-01T12:00:00Z"

    func run(_ arguments: [String], environment: [String: String] = [:]) async -> (ExitCode, CapturedOutput) {
        let (context, output) = CommandContext.capturing(environment: environment)
        return (await PushgateCommand.main(arguments, context: context), output)
    }

    func temporaryFile(_ text: String, name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-dry-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func credentials(sessionToken: Bool = false) throws -> String {
        try temporaryFile(
            """
            [aws prod]
            access_key_id = AKIDEXAMPLE
            secret_access_key = \(Self.secret)
            region = us-east-1
            \(sessionToken ? "session_token = \(Self.token)" : "")

            [aws noregion]
            access_key_id = AKIDEXAMPLE
            secret_access_key = \(Self.secret)
            """,
            name: "credentials.ini"
        )
    }

    var template: String { Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json").path }

    func arguments(credentials: String, profile: String = "prod", runVars: String = runVars, extra: [String] = []) -> [String] {
        [
            "dry-run", "--template", template, "--type", "ecs:push", "--credentials", credentials, "--profile", profile,
            "--run-vars", runVars, "--run-id", "8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f", "--at", Self.at,
        ] + extra
    }

    @Test("--json: each ECS request re-signed by botocore at the same time gives the same Authorization")
    func botocoreAgrees() async throws {
        let (status, output) = await run(arguments(credentials: try credentials(), extra: ["--json"]))
        #expect(status == .success, "\(output.stderr)")
        let requests = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
        let targets = requests.compactMap { ($0["headers"] as? [String: String])?["X-Amz-Target"] }
        #expect(
            targets == [
                "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition",
                "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition",
                "AmazonEC2ContainerServiceV20141113.RunTask",
            ]
        )
        let script = #"""
            import datetime, json, sys
            import botocore.auth as A
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            A.get_current_datetime = lambda: datetime.datetime(2026, 1, 1, 12, 0, 0)
            creds = Credentials("AKIDEXAMPLE", sys.argv[1])
            out = []
            for r in json.load(sys.stdin):
                h = r["headers"]
                req = AWSRequest(method=r["method"], url=r["url"], data=r["body"].encode(),
                                 headers={"Content-Type": h["Content-Type"], "X-Amz-Target": h["X-Amz-Target"]})
                A.SigV4Auth(creds, "ecs", "us-east-1").add_auth(req)
                out.append(req.headers["Authorization"])
            print(json.dumps(out))
            """#
        let oracle = try PythonScript.run(script, arguments: [Self.secret], standardInput: Data(output.stdout.utf8))
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(oracle.utf8)) as? [String])
        let ours = requests.compactMap { ($0["headers"] as? [String: String])?["Authorization"] }
        #expect(ours.count == 3)
        #expect(ours == expected)
        #expect(ours.allSatisfy { !$0.contains("<redacted>") }, "signatures at a time far from now are shown")
        let run = try #require(requests.last?["body"] as? String)
        #expect(run.contains(#""clientToken":"pg-8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f-1""#))
    }

    @Test("no secret from the credentials file appears; a session token is redacted; near-now signatures hidden")
    func noSecrets() async throws {
        let file = try credentials(sessionToken: true)
        for extra in [["--json"], []] {
            let (status, output) = await run(arguments(credentials: file, extra: extra))
            #expect(status == .success, "\(output.stderr)")
            let all = output.stdout + output.stderr
            #expect(!all.contains(Self.secret) && !all.contains(Self.token))
            #expect(all.contains("X-Amz-Security-Token"))
            #expect(all.contains("<redacted>"))
        }
        let now = ISO8601DateFormatter().string(from: Date())
        var near = arguments(credentials: try credentials(), extra: ["--json"])
        near[near.firstIndex(of: Self.at)!] = now
        let (status, output) = await run(near)
        #expect(status == .success)
        #expect(output.stdout.contains("Signature=<redacted>"), "a signature that AWS would accept now is not printed")
    }

    @Test("a profile's secret copied into a plain env value is redacted there; other values are shown")
    func profileSecretsAreScrubbedByValue() async throws {
        let vars =
            #"{"image":"python:3.12-slim","network_configuration":{"subnets":["subnet-0abc"],"securityGroups":["sg-0abc"]},"env":{"COPIED":""#
            + Self.secret + #"","REGION_NAME":"eu-west-1"}}"#
        for extra in [["--json"], []] {
            let (status, output) = await run(arguments(credentials: try credentials(), runVars: vars, extra: extra))
            #expect(status == .success, "\(output.stderr)")
            #expect(!(output.stdout + output.stderr).contains(Self.secret), "the profile's secret key, copied under a plain name")
            #expect(output.stdout.contains("COPIED") && output.stdout.contains("eu-west-1"), "names and plain values stay")
        }
    }

    @Test("a configuration missing the image is rejected before any call, naming the field")
    func missingImage() async throws {
        let vars = #"{"network_configuration":{"subnets":["subnet-0abc"]}}"#
        let (status, output) = await run(arguments(credentials: try credentials(), runVars: vars))
        #expect(status == .failure)
        #expect(output.stdout.contains("$.task_definition.containerDefinitions[0].image"))
        #expect(!output.stdout.contains("POST "), "nothing printed as if it would be sent")
    }

    @Test("a profile without region exits 1 naming the field; usage and I/O problems exit 2")
    func errors() async throws {
        let file = try credentials()
        var (status, output) = await run(arguments(credentials: file, profile: "noregion"))
        #expect(status == .failure && output.stdout.contains("region is missing"))
        (status, output) = await run(arguments(credentials: "/nonexistent/credentials.ini"))
        #expect(status == .usage && output.stderr.contains("/nonexistent/credentials.ini"))
        (status, output) = await run(["dry-run", "--template", template, "--type", "ecs:push", "--profile", "prod"])
        #expect(status == .usage && output.stderr.contains("--credentials"))
        (status, output) = await run(["dry-run", "--template", template, "--type", "lambda", "--credentials", file, "--profile", "prod"])
        #expect(status == .usage && output.stderr.contains("unknown type"))
        (status, output) = await run(arguments(credentials: file, runVars: #"{"image": 3}"#))
        #expect(status == .failure && output.stdout.contains("image"))
    }

    @Test("--pool/--deployment reads the store and the pool's credentials profile")
    func storedPool() async throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-dry-run-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: db) }
        let environment = ["PUSHGATE_DB": db, "PUSHGATE_CREDENTIALS": try credentials()]
        var (status, output) = await run(
            ["pool", "create", "ecs-pool", "--type", "ecs:push", "--template", template, "--credentials", "prod"],
            environment: environment
        )
        #expect(status == .success, "\(output.stderr)")
        (status, output) = await run(
            ["deployment", "create", "etl", "--pool", "ecs-pool", "--vars", Self.runVars],
            environment: environment
        )
        #expect(status == .success, "\(output.stderr)")
        (status, output) = await run(
            ["dry-run", "--pool", "ecs-pool", "--deployment", "etl", "--at", Self.at, "--json"],
            environment: environment
        )
        #expect(status == .success, "\(output.stderr)")
        #expect(output.stdout.contains("pushgate_ecs-pool_etl") && output.stdout.contains("PUSHGATE_POOL"))
        #expect(!output.stdout.contains(Self.secret))
    }
}
