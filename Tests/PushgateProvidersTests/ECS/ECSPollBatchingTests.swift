import Foundation
import PushgateCore
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

/// DescribeTasks batching and request shape, on a recording client (no sockets).
@Suite("ECS polling batches")
struct ECSPollBatchingTests {
    @Test("250 tasks on two clusters → DescribeTasks per cluster in batches of at most 100, every target answered")
    func batches() async throws {
        let http = RecordingHTTPClient { request in
            let body = try JSONValue.parse(request.body)
            if request.headers["X-Amz-Target"]?.hasSuffix(".ListTasks") == true {
                return RecordingHTTPClient.ok(#"{"taskArns": []}"#)
            }
            let tasks = (body["tasks"]?.arrayValue ?? []).compactMap(\.stringValue)
            let answered = tasks.dropLast().map { arn -> JSONValue in ["taskArn": .string(arn), "lastStatus": "RUNNING"] }
            return RecordingHTTPClient.ok(
                JSONValue.object(["tasks": .array(answered), "failures": [["arn": .string(tasks.last!), "reason": "MISSING"]]]).serialized()
            )
        }
        let provider = ECSProvider(
            region: "eu-west-1",
            credentials: StaticAWSCredentialProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s")),
            http: http,
            clock: ManualClock()
        )
        let job = try ECSFixtures.job()
        let now = job.now
        let targets = (0..<250).map { index in
            PollTarget(
                handle: ProviderHandle("\(index < 180 ? "a" : "b")::arn:aws:ecs:eu-west-1:1:task/x/\(index)"),
                job: job,
                submittedAt: now.addingTimeInterval(-600),
                now: now
            )
        }
        let statuses = try await provider.poll(targets)
        #expect(statuses.count == 250)
        let describes = http.requests.filter { $0.headers["X-Amz-Target"] == "AmazonEC2ContainerServiceV20141113.DescribeTasks" }
        let sizes = try describes.map { try JSONValue.parse($0.body)["tasks"]?.arrayValue?.count ?? 0 }
        // Three batches, then one second DescribeTasks per MISSING task after its two ListTasks.
        #expect(sizes == [100, 80, 70, 1, 1, 1])
        #expect(http.requests.count == 6 + 3 * 2)
        #expect(http.requests.allSatisfy { $0.url == "https://ecs.eu-west-1.amazonaws.com/" })
        #expect(http.requests.allSatisfy { $0.headers["Content-Type"] == "application/x-amz-json-1.1" })
        #expect(
            statuses.values.filter { $0.state == .unconfirmed }.count == 3,
            "the MISSING one of each batch, after the grace window but within the hour a stopped task stays visible"
        )
        #expect(statuses.values.filter { $0.state == .running }.count == 247)
    }
}
