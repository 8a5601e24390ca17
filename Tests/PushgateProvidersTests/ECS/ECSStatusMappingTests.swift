import Foundation
import PushgateCore
import PushgateProviders
import Testing

/// Every ECS row of docs/provider-apis.md §1.4 / §2.4, on handcrafted DescribeTasks tasks (moto cannot produce
/// stop codes or non-zero exits).
@Suite("ECS status mapping")
struct ECSStatusMappingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var task: JSONValue
        var cancelRequested = false
        var state: ProviderStatus.State
        var exitCode: Int?
        var reasonContains: String?
        var testDescription: String { name }
    }

    static let submitted = Date(timeIntervalSince1970: 1_767_268_800)

    static func task(
        _ lastStatus: String,
        desired: String = "RUNNING",
        stopCode: String? = nil,
        stoppedReason: String? = nil,
        exitCode: JSONValue? = nil,
        containerReason: String? = nil,
        containers: [JSONValue]? = nil,
        overrideName: String? = nil
    ) -> JSONValue {
        var container: [String: JSONValue] = ["name": "prefect", "lastStatus": .string(lastStatus)]
        if let exitCode { container["exitCode"] = exitCode }
        if let containerReason { container["reason"] = .string(containerReason) }
        var members: [String: JSONValue] = [
            "taskArn": "arn:aws:ecs:us-east-1:1:task/c/abc", "lastStatus": .string(lastStatus), "desiredStatus": .string(desired),
            "containers": .array(containers ?? [.object(container)]),
        ]
        if let stopCode { members["stopCode"] = .string(stopCode) }
        if let stoppedReason { members["stoppedReason"] = .string(stoppedReason) }
        if let overrideName { members["overrides"] = ["containerOverrides": [["name": .string(overrideName)]]] }
        return .object(members)
    }

    static let rows: [Row] = [
        Row(name: "PROVISIONING is Pending", task: task("PROVISIONING"), state: .pending),
        Row(name: "PENDING is Pending", task: task("PENDING"), state: .pending),
        Row(name: "ACTIVATING is Pending", task: task("ACTIVATING"), state: .pending),
        Row(name: "RUNNING is Running", task: task("RUNNING"), state: .running),
        Row(name: "DEACTIVATING is Running", task: task("DEACTIVATING"), state: .running),
        Row(
            name: "STOPPING with desired STOPPED is Running (stopping)",
            task: task("STOPPING", desired: "STOPPED"),
            state: .running,
            reasonContains: "stopping"
        ),
        Row(name: "DEPROVISIONING is Running", task: task("DEPROVISIONING"), state: .running),
        Row(
            name: "STOPPED, EssentialContainerExited, exit 0 is Completed",
            task: task("STOPPED", desired: "STOPPED", stopCode: "EssentialContainerExited", exitCode: 0),
            state: .completed,
            exitCode: 0
        ),
        Row(
            name: "STOPPED, exit 2 is Failed with the code",
            task: task("STOPPED", desired: "STOPPED", stopCode: "EssentialContainerExited", exitCode: 2),
            state: .failed,
            exitCode: 2
        ),
        Row(
            name: "STOPPED, exit code null is Crashed",
            task: task("STOPPED", desired: "STOPPED", stopCode: "EssentialContainerExited", containerReason: "OutOfMemoryError: killed"),
            state: .crashed,
            reasonContains: "OutOfMemoryError"
        ),
        Row(
            name: "TaskFailedToStart is Crashed with the stopped reason",
            task: task("STOPPED", desired: "STOPPED", stopCode: "TaskFailedToStart", stoppedReason: "CannotPullContainerError: no such image"),
            state: .crashed,
            reasonContains: "CannotPullContainerError"
        ),
        Row(
            name: "TaskFailedToStart without containers is Crashed",
            task: task("STOPPED", desired: "STOPPED", stopCode: "TaskFailedToStart", stoppedReason: "ResourceInitializationError", containers: []),
            state: .crashed,
            reasonContains: "ResourceInitializationError"
        ),
        Row(
            name: "SpotInterruption is Crashed even with exit 0",
            task: task("STOPPED", desired: "STOPPED", stopCode: "SpotInterruption", exitCode: 0),
            state: .crashed,
            reasonContains: "SpotInterruption"
        ),
        Row(name: "TerminationNotice is Crashed", task: task("STOPPED", stopCode: "TerminationNotice", exitCode: 143), state: .crashed),
        Row(name: "InfrastructureHealth is Crashed", task: task("STOPPED", stopCode: "InfrastructureHealth"), state: .crashed),
        Row(name: "ServiceSchedulerInitiated is Crashed", task: task("STOPPED", stopCode: "ServiceSchedulerInitiated", exitCode: 0), state: .crashed),
        Row(
            name: "an unknown stop code is Crashed",
            task: task("STOPPED", stopCode: "SomethingNew", exitCode: 0),
            state: .crashed,
            reasonContains: "SomethingNew"
        ),
        Row(
            name: "UserInitiated after our StopTask is Cancelled",
            task: task("STOPPED", desired: "STOPPED", stopCode: "UserInitiated", stoppedReason: "Cancelled by pushgate", exitCode: 143),
            cancelRequested: true,
            state: .cancelled,
            exitCode: 143
        ),
        Row(
            name: "STOPPED without a stop code after our StopTask is Cancelled (moto)",
            task: task("STOPPED", desired: "STOPPED", exitCode: 0),
            cancelRequested: true,
            state: .cancelled
        ),
        Row(
            name: "UserInitiated that the gateway did not ask for is Crashed",
            task: task("STOPPED", desired: "STOPPED", stopCode: "UserInitiated", exitCode: 143),
            state: .crashed,
            reasonContains: "outside the gateway"
        ),
        Row(
            name: "a completed task stays Completed even if a cancel was requested late",
            task: task("STOPPED", stopCode: "EssentialContainerExited", exitCode: 0),
            cancelRequested: true,
            state: .completed,
            exitCode: 0
        ),
        Row(
            name: "the overridden container decides, not a sidecar",
            task: task(
                "STOPPED",
                stopCode: "EssentialContainerExited",
                containers: [["name": "sidecar", "exitCode": 0], ["name": "main", "exitCode": 3]],
                overrideName: "main"
            ),
            state: .failed,
            exitCode: 3
        ),
    ]

    @Test("DescribeTasks task → run state", arguments: rows)
    func mapping(_ row: Row) {
        let target = PollTarget(
            handle: ProviderHandle("c::t"),
            job: try! ECSFixtures.job(),
            cancelRequested: row.cancelRequested,
            submittedAt: Self.submitted,
            now: Self.submitted.addingTimeInterval(300)
        )
        let status = ECSStatusMapping.status(task: row.task, target: target)
        #expect(status.state == row.state)
        if let exitCode = row.exitCode { #expect(status.exitCode == exitCode) }
        if let fragment = row.reasonContains { #expect(status.reason?.contains(fragment) == true, "\(status.reason ?? "nil")") }
    }

    @Test(
        "MISSING is Pending within the grace window after RunTask; after it the answer alone settles nothing",
        arguments: [
            (10.0, false, true), (59.0, false, true), (61.0, false, false), (3_600.0, false, false), (10.0, true, true), (120.0, true, false),
        ]
    )
    func missing(_ elapsed: TimeInterval, _ cancelRequested: Bool, _ pending: Bool) throws {
        let target = try Self.target(elapsed: elapsed, cancelRequested: cancelRequested)
        #expect(ECSStatusMapping.status(failureReason: "MISSING", target: target)?.state == (pending ? ProviderStatus.State.pending : nil))
        // moto omits unknown tasks from both lists: the same rule applies.
        #expect(ECSStatusMapping.status(failureReason: nil, target: target)?.state == (pending ? ProviderStatus.State.pending : nil))
        // Another failure reason is never Pending, and never settled by itself either.
        #expect(ECSStatusMapping.status(failureReason: "ACCESS_DENIED", target: target) == nil)
    }

    static func target(elapsed: TimeInterval, cancelRequested: Bool = false) throws -> PollTarget {
        PollTarget(
            handle: ProviderHandle("c::t"),
            job: try ECSFixtures.job(),
            cancelRequested: cancelRequested,
            submittedAt: Self.submitted,
            now: Self.submitted.addingTimeInterval(elapsed)
        )
    }

    struct SearchRow: Sendable, CustomTestStringConvertible {
        var name: String
        var search: ECSMissingTaskSearch
        var elapsed: TimeInterval
        var cancelRequested = false
        var state: ProviderStatus.State
        var testDescription: String { name }
    }

    static let searchRows: [SearchRow] = [
        SearchRow(
            name: "the second DescribeTasks finds it running → Running",
            search: ECSMissingTaskSearch(failureReason: "MISSING", task: task("RUNNING")),
            elapsed: 120,
            state: .running
        ),
        SearchRow(
            name: "the second DescribeTasks finds it stopped with exit 0 → Completed",
            search: ECSMissingTaskSearch(failureReason: "MISSING", task: task("STOPPED", stopCode: "EssentialContainerExited", exitCode: 0)),
            elapsed: 120,
            state: .completed
        ),
        SearchRow(
            name: "ListTasks lists it, DescribeTasks still MISSING → Unconfirmed",
            search: ECSMissingTaskSearch(failureReason: "MISSING", listed: ["arn:t"], absentSince: submitted),
            elapsed: 7_200,
            state: .unconfirmed
        ),
        SearchRow(
            name: "a look-up failed → Unconfirmed, however late",
            search: ECSMissingTaskSearch(failureReason: "MISSING", settled: false, problems: ["ECS ListTasks: Rate exceeded"]),
            elapsed: 7_200,
            state: .unconfirmed
        ),
        SearchRow(
            name: "not found anywhere within the hour a stopped task stays visible → Unconfirmed",
            search: ECSMissingTaskSearch(failureReason: "MISSING"),
            elapsed: 3_000,
            state: .unconfirmed
        ),
        SearchRow(
            name: "not found anywhere within the hour, after a cancel → Unconfirmed",
            search: ECSMissingTaskSearch(failureReason: "MISSING"),
            elapsed: 3_000,
            cancelRequested: true,
            state: .unconfirmed
        ),
        SearchRow(
            name: "not found anywhere after the hour, for the first time → Unconfirmed",
            search: ECSMissingTaskSearch(failureReason: "MISSING", absentSince: submitted.addingTimeInterval(3_601)),
            elapsed: 3_601,
            state: .unconfirmed
        ),
        SearchRow(
            name: "not found anywhere after the hour, absent for 59 s → Unconfirmed",
            search: ECSMissingTaskSearch(failureReason: "MISSING", absentSince: submitted.addingTimeInterval(3_601)),
            elapsed: 3_660,
            state: .unconfirmed
        ),
        SearchRow(
            name: "not found anywhere after the hour, absent for 60 s → Crashed",
            search: ECSMissingTaskSearch(failureReason: "MISSING", absentSince: submitted.addingTimeInterval(3_601)),
            elapsed: 3_661,
            state: .crashed
        ),
        SearchRow(
            name: "left out of both lists (moto) and absent for an hour after the hour → Crashed",
            search: ECSMissingTaskSearch(failureReason: nil, absentSince: submitted.addingTimeInterval(3_600)),
            elapsed: 7_200,
            state: .crashed
        ),
        SearchRow(
            name: "absent for an hour after the hour, after a cancel → Cancelled",
            search: ECSMissingTaskSearch(failureReason: "MISSING", absentSince: submitted.addingTimeInterval(3_600)),
            elapsed: 7_200,
            cancelRequested: true,
            state: .cancelled
        ),
        SearchRow(
            name: "another failure reason, not found after the hour → Unconfirmed",
            search: ECSMissingTaskSearch(failureReason: "ACCESS_DENIED", absentSince: submitted),
            elapsed: 7_200,
            state: .unconfirmed
        ),
    ]

    @Test("a task DescribeTasks did not return, mapped from the second look-up", arguments: searchRows)
    func search(_ row: SearchRow) throws {
        let status = ECSStatusMapping.status(
            search: row.search,
            target: try Self.target(elapsed: row.elapsed, cancelRequested: row.cancelRequested)
        )
        #expect(status.state == row.state, "\(status.reason ?? "")")
        #expect(status.reason?.isEmpty == false)
    }
}
