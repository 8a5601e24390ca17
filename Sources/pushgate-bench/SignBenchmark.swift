import Foundation
import PushgateSigning

/// SigV4 signing rate on an ECS RunTask (JSON 1.1, session token), as the ECS provider signs and as a one-off
/// request is signed, beside botocore's `SigV4Auth` on the same request (docs/provider-apis.md §2.8).
enum SignBenchmark {
    static let body = Array(
        #"{"cluster":"prod","taskDefinition":"flow:3","count":1,"launchType":"FARGATE","clientToken":"run-1-attempt-1","startedBy":"pushgate","overrides":{"containerOverrides":[{"name":"prefect","environment":[{"name":"PREFECT__FLOW_RUN_ID","value":"0b1c2d3e-0000-4000-8000-000000000001"}]}]}}"#
            .utf8
    )
    static let headers: [(name: String, value: String)] = [
        ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask"),
    ]
    static let url = "https://ecs.us-east-1.amazonaws.com/"
    static let credentials = AWSCredentials(
        accessKeyID: "ASIAEXAMPLEKEY123456",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "FwoGZXIvYXdzEBYaDEXAMPLESESSIONTOKEN//////////wEXAMPLE"
    )

    /// botocore on the same request with a fixed clock; prints signatures per second.
    static let botocoreScript = #"""
        import datetime, sys, time
        import botocore.auth as A
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        n = int(sys.argv[1]); body = sys.stdin.buffer.read()
        A.get_current_datetime = lambda: datetime.datetime(2026, 1, 2, 3, 4, 5)
        creds = Credentials("ASIAEXAMPLEKEY123456", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            "FwoGZXIvYXdzEBYaDEXAMPLESESSIONTOKEN//////////wEXAMPLE")
        auth = A.SigV4Auth(creds, "ecs", "us-east-1")
        headers = {"Content-Type": "application/x-amz-json-1.1",
                   "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.RunTask"}
        first = AWSRequest(method="POST", url="https://ecs.us-east-1.amazonaws.com/", data=body, headers=headers)
        auth.add_auth(first)
        start = time.perf_counter()
        for _ in range(n):
            req = AWSRequest(method="POST", url="https://ecs.us-east-1.amazonaws.com/", data=body, headers=headers)
            auth.add_auth(req)
        print(n / (time.perf_counter() - start))
        print(first.headers["Authorization"])
        """#

    /// Complete signatures per second, each as production makes them. `prepared`: as the ECS provider signs,
    /// with the request shape (URL, headers, credentials) prepared once per operation
    /// (``AWSSigV4PreparedRequest``); otherwise each signature parses the URL and canonicalises the headers,
    /// as a one-off request (STS) does. Either way every signature hashes the body, builds and hashes the
    /// canonical request, builds the string to sign, computes its HMAC and makes the Authorization header and
    /// the headers to send. Cached across iterations is only what a long-lived process caches: the derived
    /// signing key (four HMACs per secret, UTC day, region and service; ``AWSSigningKeyCache``), and in the
    /// prepared case the request shape; both are made by the warm-up run.
    static func signaturesPerSecond(iterations: Int, prepared: Bool) -> Double {
        let signer = AWSSigV4Signer(credentials: credentials, service: "ecs", region: "us-east-1")
        // The URL is constant and valid, so neither preparing nor signing can throw here.
        guard let shape = try? AWSSigV4PreparedRequest(signer: signer, method: "POST", url: url, headers: headers) else {
            return 0
        }
        let date = Date(timeIntervalSince1970: 1_767_323_045)
        var sink = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations {
            let signed =
                prepared
                ? shape.sign(body: body, date: date)
                : try? signer.sign(method: "POST", url: url, headers: headers, body: body, date: date)
            if let signed {  // a sender uses `headers`
                sink &+= signed.headers.count &+ signed.headers[signed.headers.count - 1].value.utf8.count
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if sink == 42 { print("") }  // keep the optimiser honest
        return Double(iterations) / seconds
    }

    /// Our Authorization header for the request at the fixed time (2026-01-02T03:04:05Z).
    /// Nil unless the prepared and the one-off path give the same one.
    static func pushgateAuthorization() -> String? {
        let signer = AWSSigV4Signer(credentials: credentials, service: "ecs", region: "us-east-1")
        let date = Date(timeIntervalSince1970: 1_767_323_045)
        let oneOff = try? signer.sign(method: "POST", url: url, headers: headers, body: body, date: date).authorization
        let shape = try? AWSSigV4PreparedRequest(signer: signer, method: "POST", url: url, headers: headers)
        let prepared = shape?.sign(body: body, date: date).authorization
        return oneOff == prepared ? oneOff : nil
    }

    /// botocore's rate on the same request and its Authorization at the same fixed time, via the peer
    /// interpreter (``PeerPython``); nil when it or botocore is missing.
    static func botocore(iterations: Int) -> (perSecond: Double, authorization: String)? {
        guard let output = try? PeerPython.run(["-c", botocoreScript, String(iterations)], input: Data(body)), output.status == 0 else { return nil }
        let lines = output.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count == 2, let rate = Double(lines[0]) else { return nil }
        return (rate, lines[1])
    }

    /// Our two figures and botocore's, signatures per second (higher is better), and whether botocore's
    /// Authorization equals ours (both paths) at the fixed time.
    static func run(iterations: Int) -> (prepared: Double, oneOff: Double, botocore: Double?, sameAuthorization: Bool?) {
        for prepared in [true, false] {  // warm up (caches, page faults)
            _ = signaturesPerSecond(iterations: min(1_000, iterations), prepared: prepared)
        }
        let prepared = signaturesPerSecond(iterations: iterations, prepared: true)
        let oneOff = signaturesPerSecond(iterations: iterations, prepared: false)
        let peer = botocore(iterations: max(1, iterations / 40))
        return (prepared, oneOff, peer?.perSecond, peer.map { $0.authorization == pushgateAuthorization() })
    }
}
