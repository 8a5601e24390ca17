import PushgateCore
import PushgateProviders
import Testing

/// Every row of docs/provider-apis.md §8.4, on V1 Execution answers.
@Suite("Cloud Run V1 status mapping")
struct CloudRunV1StatusMappingTests {
    static func execution(
        completion: Bool = false,
        conditions: [[String: String]] = [],
        counts: [String: Int64] = [:]
    ) -> JSONValue {
        var status: [String: JSONValue] = ["conditions": .array(conditions.map { .object($0.mapValues(JSONValue.string)) })]
        if completion { status["completionTime"] = "2026-12-07T09:00:00Z" }
        for (key, value) in counts { status[key] = .int(value) }
        return ["metadata": ["name": "job-abc12"], "status": .object(status)]
    }

    static func map(_ execution: JSONValue, cancel: Bool = false) -> ProviderStatus {
        CloudRunV1StatusMapping.status(execution: execution, cancelRequested: cancel)
    }

    @Test func pendingUntilStartedThenRunning() {
        #expect(Self.map(Self.execution()).state == .pending)
        #expect(Self.map(Self.execution(conditions: [["type": "Started", "status": "Unknown"]])).state == .pending)
        #expect(Self.map(Self.execution(conditions: [["type": "Started", "status": "True"]])).state == .running)
        #expect(Self.map(Self.execution(counts: ["runningCount": 1])).state == .running)
    }

    @Test func completedTrueIsCompleted() {
        let status = Self.map(Self.execution(completion: true, conditions: [["type": "Completed", "status": "True"]]))
        #expect(status.state == .completed && status.exitCode == 0)
    }

    @Test func aFailedTaskIsFailedWithItsExitCode() {
        let status = Self.map(
            Self.execution(
                completion: true,
                conditions: [
                    ["type": "Completed", "status": "False", "reason": "NonZeroExitCode", "message": "Task job-abc12-0 failed with exit code 3"]
                ],
                counts: ["failedCount": 1]
            )
        )
        #expect(status.state == .failed && status.exitCode == 3)
        let timeout = Self.map(
            Self.execution(completion: true, conditions: [["type": "Completed", "status": "False", "message": "The task timed out"]])
        )
        #expect(timeout.state == .failed)
    }

    @Test func imageNotFoundAndQuotaAreCrashedWithTheMessage() {
        let image = Self.map(
            Self.execution(
                completion: true,
                conditions: [["type": "Completed", "status": "False", "reason": "ContainerMissing", "message": "Image 'gcr.io/p/x' not found."]],
                counts: ["failedCount": 1]
            )
        )
        #expect(image.state == .crashed && image.reason?.contains("Image 'gcr.io/p/x' not found.") == true)
        let quota = Self.map(
            Self.execution(
                completion: true,
                conditions: [
                    ["type": "Completed", "status": "False", "reason": "ExecutionFailed"],
                    ["type": "ResourcesAvailable", "status": "False", "reason": "QuotaExceeded", "message": "CPU quota exceeded in region"],
                ]
            )
        )
        #expect(quota.state == .crashed && quota.reason?.contains("CPU quota exceeded") == true)
        let pending = Self.map(Self.execution(conditions: [["type": "ResourcesAvailable", "status": "False", "message": "waiting for quota"]]))
        #expect(pending.state == .pending && pending.reason?.contains("waiting for quota") == true)
    }

    @Test func cancelledIsCancelledOnlyAfterTheGatewaysCancel() {
        let execution = Self.execution(
            completion: true,
            conditions: [["type": "Completed", "status": "False", "reason": "Cancelled"]],
            counts: ["cancelledCount": 1]
        )
        #expect(Self.map(execution, cancel: true).state == .cancelled)
        #expect(Self.map(execution, cancel: false).state == .crashed)
    }

    @Test func anUnexplainedFailureIsCrashed() {
        #expect(Self.map(Self.execution(completion: true, conditions: [["type": "Completed", "status": "False"]])).state == .crashed)
        #expect(Self.map(Self.execution(completion: true)).state == .crashed)
    }

    @Test func theJobsReadyConditionDecidesWhetherItCanRun() {
        let missing: JSONValue = [
            "status": ["conditions": [["type": "Ready", "status": "False", "reason": "ContainerMissing", "message": "Image not found"]]]
        ]
        #expect(CloudRunV1StatusMapping.jobNotReady(missing)?.state == .crashed)
        #expect(CloudRunV1StatusMapping.jobNotReady(missing)?.reason == "ContainerMissing: Image not found")
        let ready: JSONValue = ["status": ["conditions": [["type": "Ready", "status": "True"]]]]
        #expect(CloudRunV1StatusMapping.isReady(ready) && CloudRunV1StatusMapping.jobNotReady(ready) == nil)
        #expect(!CloudRunV1StatusMapping.isReady(["status": [:]]))
    }

    @Test func handlesRoundTrip() throws {
        let handle = CloudRunV1Handle(project: "p", job: "j", execution: "j-abc")
        #expect(handle.handle.value == "namespaces/p/jobs/j/executions/j-abc")
        #expect(try CloudRunV1Handle.parse(handle.handle) == handle)
        #expect(try CloudRunV1Handle.parse(ProviderHandle("namespaces/p/jobs/j")).execution == nil)
        #expect(throws: ProviderError.self) { try CloudRunV1Handle.parse(ProviderHandle("projects/p/jobs/j")) }
    }
}
