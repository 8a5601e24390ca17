import Foundation
import PushgateSigning
import PushgateTestSupport
import Testing

/// botocore's SigV4Auth (docs/build-notes.md §5) as the oracle for an ECS JSON 1.1 RunTask with a session token.
@Suite("botocore oracle")
struct BotocoreOracleTests {
    static let script = #"""
        import datetime, json, sys
        import botocore.auth as A
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        a = json.load(sys.stdin)
        A.get_current_datetime = lambda: datetime.datetime.fromtimestamp(a["epoch"], datetime.timezone.utc).replace(tzinfo=None)
        creds = Credentials(a["akid"], a["secret"], a["token"])
        req = AWSRequest(method="POST", url=a["url"], data=a["body"].encode(), headers=a["headers"])
        auth = A.SigV4Auth(creds, a["service"], a["region"])
        auth.add_auth(req)
        authorization = req.headers["Authorization"]
        del req.headers["Authorization"]
        creq = auth.canonical_request(req)
        print(json.dumps({"authorization": authorization, "creq": creq,
                          "date": req.headers["X-Amz-Date"], "token": req.headers.get("X-Amz-Security-Token")}))
        """#

    @Test(
        "Authorization of a signed ECS RunTask equals botocore's",
        arguments: [
            "https://ecs.eu-west-1.amazonaws.com/", "http://127.0.0.1:5055/",
        ]
    )
    func ecsRunTask(_ url: String) throws {
        try requireBotocore()
        let credentials = AWSCredentials(
            accessKeyID: "ASIAEXAMPLEKEY123456",
            secretAccessKey: "s3cr3t/Key+With/Slashes0123456789abcdef",
            sessionToken: "FwoGZXIvYXdzEBYaDTOKEN//////////wEXAMPLE+token/value=="
        )
        let body =
            #"{"cluster":"prefect","taskDefinition":"flow:3","count":1,"launchType":"FARGATE","clientToken":"run-1-attempt-1","startedBy":"pushgate","overrides":{"containerOverrides":[{"name":"prefect","environment":[{"name":"A","value":"b  c"}]}]}}"#
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask"),
        ]
        let epoch = 1_767_323_045  // 2026-01-02T03:04:05Z
        let signer = AWSSigV4Signer(credentials: credentials, service: "ecs", region: "eu-west-1")
        let signed = try signer.sign(
            method: "POST",
            url: url,
            headers: headers,
            body: Array(body.utf8),
            date: Date(timeIntervalSince1970: TimeInterval(epoch))
        )

        let input: [String: Any] = [
            "epoch": epoch, "akid": credentials.accessKeyID, "secret": credentials.secretAccessKey,
            "token": credentials.sessionToken!, "url": url, "body": body, "service": "ecs", "region": "eu-west-1",
            "headers": Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) }),
        ]
        let output = try PythonScript.run(Self.script, standardInput: try JSONSerialization.data(withJSONObject: input))
        let oracle = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String])
        #expect(signed.timestamp == oracle["date"])
        #expect(signed.canonicalRequest == oracle["creq"])
        #expect(signed.authorization == oracle["authorization"])
        #expect(signed.signedHeaders == "content-type;host;x-amz-date;x-amz-security-token;x-amz-target")
    }

    /// botocore is installed on the build machines; in CI its absence is a failure, not a skip.
    private func requireBotocore() throws {
        guard PythonScript.canImport("botocore") else {
            Issue.record("python3 with botocore is required for the SigV4 oracle test (pip install botocore)")
            throw CancellationError()
        }
    }
}
