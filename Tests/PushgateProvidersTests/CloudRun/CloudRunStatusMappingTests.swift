import Foundation
import PushgateCore
import PushgateProviders
import Testing

/// Every Cloud Run v2 row of docs/provider-apis.md §1.4 / §3.4 "Mapping", including Crashed.
@Suite("Cloud Run v2 status mapping")
struct CloudRunStatusMappingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var execution: JSONValue
        var cancelRequested = false
        var exitCode: Int?
        var expected: ProviderStatus.State
        var testDescription: String { name }
    }

    static func completed(_ state: String, executionReason: String? = nil, reason: String? = nil, extra: [String: JSONValue] = [:]) -> JSONValue {
        var condition: [String: JSONValue] = ["type": "Completed", "state": .string(state), "message": "m"]
        if let executionReason { condition["executionReason"] = .string(executionReason) }
        if let reason { condition["reason"] = .string(reason) }
        var object: [String: JSONValue] = [
            "name": "projects/p/locations/r/jobs/j/executions/j-1", "startTime": "2026-01-01T00:00:01Z",
            "completionTime": "2026-01-01T00:01:00Z", "conditions": [.object(condition)],
        ]
        object.merge(extra) { $1 }
        return .object(object)
    }

    static let rows: [Row] = [
        Row(name: "exists, no startTime, no completionTime → Pending", execution: ["name": "e", "conditions": []], expected: .pending),
        Row(
            name: "startTime set, completionTime unset → Running",
            execution: ["name": "e", "startTime": "2026-01-01T00:00:01Z"],
            expected: .running
        ),
        Row(name: "runningCount > 0 without startTime → Running", execution: ["name": "e", "runningCount": 1], expected: .running),
        Row(
            name: "CANCELLING keeps it Running",
            execution: [
                "name": "e", "startTime": "2026-01-01T00:00:01Z",
                "conditions": [["type": "Completed", "state": "CONDITION_RECONCILING", "executionReason": "CANCELLING"]],
            ],
            cancelRequested: true,
            expected: .running
        ),
        Row(name: "Completed CONDITION_SUCCEEDED → Completed", execution: completed("CONDITION_SUCCEEDED"), expected: .completed),
        Row(
            name: "CONDITION_FAILED NON_ZERO_EXIT_CODE → Failed",
            execution: completed("CONDITION_FAILED", executionReason: "NON_ZERO_EXIT_CODE"),
            exitCode: 3,
            expected: .failed
        ),
        Row(
            name: "CANCELLED after our cancel → Cancelled",
            execution: completed("CONDITION_FAILED", executionReason: "CANCELLED"),
            cancelRequested: true,
            expected: .cancelled
        ),
        Row(
            name: "cancelledCount > 0 at completion after our cancel → Cancelled",
            execution: completed("CONDITION_FAILED", extra: ["cancelledCount": 1]),
            cancelRequested: true,
            expected: .cancelled
        ),
        Row(
            name: "CANCELLED we did not ask for → Crashed",
            execution: completed("CONDITION_FAILED", executionReason: "CANCELLED"),
            expected: .crashed
        ),
        Row(
            name: "CONDITION_FAILED CONTAINER_MISSING → Crashed",
            execution: completed("CONDITION_FAILED", reason: "CONTAINER_MISSING"),
            expected: .crashed
        ),
        Row(
            name: "CONDITION_FAILED unknown reason → Crashed",
            execution: completed("CONDITION_FAILED", executionReason: "SOMETHING_NEW"),
            expected: .crashed
        ),
        Row(name: "DELETED we did not cause → Crashed", execution: completed("CONDITION_FAILED", executionReason: "DELETED"), expected: .crashed),
        Row(
            name: "DELETED after our cancel → Cancelled",
            execution: completed("CONDITION_FAILED", executionReason: "DELETED"),
            cancelRequested: true,
            expected: .cancelled
        ),
    ]

    @Test("executions.get rows", arguments: rows)
    func row(_ row: Row) {
        let status = CloudRunStatusMapping.status(execution: row.execution, cancelRequested: row.cancelRequested, exitCode: row.exitCode)
        #expect(status.state == row.expected)
        if row.expected == .failed { #expect(status.exitCode == row.exitCode) }
        if row.expected == .completed { #expect(status.exitCode == 0) }
    }

    @Test("404 we did not cause → Crashed; after our cancel → Cancelled")
    func missing() {
        #expect(CloudRunStatusMapping.missing(cancelRequested: false, what: "the job").state == .crashed)
        #expect(CloudRunStatusMapping.missing(cancelRequested: true, what: "the job").state == .cancelled)
    }

    @Test("job Ready condition FAILED (CONTAINER_MISSING) → Crashed submission; a ready job is not")
    func jobNotReady() {
        let failed: JSONValue = ["terminalCondition": ["type": "Ready", "state": "CONDITION_FAILED", "reason": "CONTAINER_MISSING"]]
        #expect(CloudRunStatusMapping.jobNotReady(failed)?.state == .crashed)
        #expect(CloudRunStatusMapping.jobNotReady(failed)?.reason?.contains("CONTAINER_MISSING") == true)
        let ready: JSONValue = ["terminalCondition": ["type": "Ready", "state": "CONDITION_SUCCEEDED"]]
        #expect(CloudRunStatusMapping.jobNotReady(ready) == nil)
    }
}
