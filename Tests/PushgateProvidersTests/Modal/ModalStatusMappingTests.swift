import PushgateCore
import Testing

@testable import PushgateProviders

/// Every Modal row of docs/provider-apis.md §1.4 / §5.3.
@Suite("Modal status mapping")
struct ModalStatusMappingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var label: String
        var result: ModalGenericResult?
        var started: Bool
        var cancelRequested: Bool
        var state: ProviderStatus.State
        var exitCode: Int?
        var testDescription: String { label }
    }

    static let rows: [Row] = [
        Row(label: "no result, no task → Pending", result: nil, started: false, cancelRequested: false, state: .pending),
        Row(label: "UNSPECIFIED result, no task → Pending", result: .init(status: 0), started: false, cancelRequested: false, state: .pending),
        Row(label: "no result, task started → Running", result: nil, started: true, cancelRequested: false, state: .running),
        Row(label: "no result after our terminate, still running → Running", result: nil, started: true, cancelRequested: true, state: .running),
        Row(label: "SUCCESS → Completed", result: .init(status: 1), started: true, cancelRequested: false, state: .completed, exitCode: 0),
        Row(
            label: "SUCCESS with a non-zero exit code → Failed",
            result: .init(status: 1, exitCode: 2),
            started: true,
            cancelRequested: false,
            state: .failed,
            exitCode: 2
        ),
        Row(
            label: "FAILURE exit 3 → Failed",
            result: .init(status: 2, exception: "boom", exitCode: 3),
            started: true,
            cancelRequested: false,
            state: .failed,
            exitCode: 3
        ),
        Row(label: "TIMEOUT → Failed (policy)", result: .init(status: 4), started: true, cancelRequested: false, state: .failed, exitCode: 124),
        Row(label: "IDLE_TIMEOUT → Failed (policy)", result: .init(status: 7), started: true, cancelRequested: false, state: .failed, exitCode: 124),
        Row(
            label: "TERMINATED after our terminate → Cancelled",
            result: .init(status: 3),
            started: true,
            cancelRequested: true,
            state: .cancelled,
            exitCode: 137
        ),
        Row(
            label: "TERMINATED we did not cause → Crashed",
            result: .init(status: 3),
            started: true,
            cancelRequested: false,
            state: .crashed,
            exitCode: 137
        ),
        Row(label: "INIT_FAILURE → Crashed", result: .init(status: 5), started: false, cancelRequested: false, state: .crashed),
        Row(label: "INTERNAL_FAILURE → Crashed", result: .init(status: 6), started: true, cancelRequested: false, state: .crashed),
        Row(label: "MEMORY_MANAGER_EVICTION → Crashed", result: .init(status: 8), started: true, cancelRequested: false, state: .crashed),
        Row(label: "MEMORY_THRASHING_EVICTION → Crashed", result: .init(status: 9), started: true, cancelRequested: false, state: .crashed),
        Row(
            label: "KERNEL_OOM_KILL → Crashed",
            result: .init(status: 10, exitCode: 137),
            started: true,
            cancelRequested: false,
            state: .crashed,
            exitCode: 137
        ),
        Row(label: "an unknown status 42 → Crashed", result: .init(status: 42), started: true, cancelRequested: false, state: .crashed),
        Row(
            label: "INIT_FAILURE even after our terminate → Crashed",
            result: .init(status: 5),
            started: true,
            cancelRequested: true,
            state: .crashed
        ),
    ]

    @Test("each Modal condition maps to its run state", arguments: rows)
    func mapping(row: Row) {
        let status = ModalStatusMapping.status(result: row.result, taskStarted: row.started, cancelRequested: row.cancelRequested)
        #expect(status.state == row.state)
        #expect(status.exitCode == row.exitCode)
        if let result = row.result, result.isFinished {
            #expect(status.reason?.hasPrefix(ModalGenericResult.Status.name(of: result.status)) == true)
        }
    }

    @Test("the reason carries Modal's exception text, shortened")
    func reasonText() {
        let long = String(repeating: "x", count: 1000)
        let status = ModalStatusMapping.status(result: .init(status: 2, exception: long, exitCode: 1), taskStarted: true, cancelRequested: false)
        #expect(status.reason?.hasPrefix("GENERIC_STATUS_FAILURE: exit code 1: xxx") == true)
        #expect((status.reason?.count ?? 0) < 400)
    }

    @Test("a sandbox the status reads answer NOT_FOUND for, as SandboxList shows it: its result, else Running or Pending")
    func listed() {
        let running = ModalStatusMapping.status(listed: ModalSandboxInfo(id: "sb-1", taskID: "ta-1"), cancelRequested: false)
        #expect(running.state == .running && running.reason?.contains("SandboxList") == true)
        #expect(ModalStatusMapping.status(listed: ModalSandboxInfo(id: "sb-1"), cancelRequested: false).state == .pending)
        let done = ModalSandboxInfo(id: "sb-1", taskID: "ta-1", result: .init(status: 1))
        #expect(ModalStatusMapping.status(listed: done, cancelRequested: false).state == .completed)
        let terminated = ModalSandboxInfo(id: "sb-1", taskID: "ta-1", result: .init(status: 3))
        #expect(ModalStatusMapping.status(listed: terminated, cancelRequested: true).state == .cancelled)
    }

    @Test(
        "a sandbox no look-up finds: Unconfirmed within its lifetime, Crashed (Cancelled after a terminate) past it",
        arguments: [
            (10.0, false, ProviderStatus.State.unconfirmed), (359.0, true, .unconfirmed), (360.0, false, .crashed), (7_200.0, true, .cancelled),
        ]
    )
    func unlisted(_ age: Double, _ cancelRequested: Bool, _ state: ProviderStatus.State) {
        let status = ModalStatusMapping.unlisted(sandboxID: "sb-1", age: age, lifetime: 360, cancelRequested: cancelRequested)
        #expect(status.state == state)
        #expect(status.reason?.contains("sb-1") == true)
    }
}
