import Foundation
import PushgateSigning

/// SigV4 signing rate on an ECS RunTask (JSON 1.1, session token), beside botocore's `SigV4Auth` on the
/// same request (provider-apis.md §2.8). The lead wires the figures into the table.
enum SignBenchmark {
    static let body = Array(
        #"{"cluster":"prod","taskDefinition":"flow:3","count":1,"launchType":"FARGATE","clientToken":"run-1-attempt-1","startedBy":"pushgate","overrides":{"containerOverrides":[{"name":"prefect","environment":[{"name":"PREFECT__FLOW_RUN_ID","value":"0b1c2d3e-0000-4000-8000-000000000001"}]}]}}"#
            .utf8)
    static let headers: [(name: String, value: String)] = [
        ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask"),
    ]
    static let url = "https://ecs.us-east-1.amazonaws.com/"
    static let credentials = AWSCredentials(
        accessKeyID: "ASIAEXAMPLEKEY123456", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "FwoGZXIvYXdzEBYaDEXAMPLESESSIONTOKEN//////////wEXAMPLE")

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
        start = time.perf_counter()
        for _ in range(n):
            req = AWSRequest(method="POST", url="https://ecs.us-east-1.amazonaws.com/", data=body, headers=headers)
            auth.add_auth(req)
        print(n / (time.perf_counter() - start))
        """#

    /// Complete signatures (payload hash, canonical request, signing key, Authorization) per second.
    static func signaturesPerSecond(iterations: Int) -> Double {
        let signer = AWSSigV4Signer(credentials: credentials, service: "ecs", region: "us-east-1")
        let date = Date(timeIntervalSince1970: 1_767_323_045)
        var sink = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations {
            // The URL is constant and valid, so signing cannot throw here.
            sink &+= (try? signer.sign(method: "POST", url: url, headers: headers, body: body, date: date))?
                .signature.utf8.count ?? 0
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if sink == 42 { print("") }  // keep the optimiser honest
        return Double(iterations) / seconds
    }

    /// botocore's rate on the same request, via `python3`; nil when python3 or botocore is missing.
    static func botocoreSignaturesPerSecond(iterations: Int) -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", botocoreScript, String(iterations)]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        input.fileHandleForWriting.write(Data(body))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Both figures, signatures per second (higher is better).
    static func run(iterations: Int = 20_000) -> (pushgate: Double, botocore: Double?) {
        _ = signaturesPerSecond(iterations: min(1_000, iterations))  // warm up (algorithm fetch, caches)
        return (signaturesPerSecond(iterations: iterations), botocoreSignaturesPerSecond(iterations: max(1, iterations / 4)))
    }
}
