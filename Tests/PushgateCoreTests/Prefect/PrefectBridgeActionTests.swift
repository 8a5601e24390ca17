import Foundation
import PushgateCore
import Testing

@Suite struct PrefectBridgeActionTests {
    func prefect(_ state: String, message: String? = nil, pid: String? = nil) -> PrefectFlowRun {
        PrefectFlowRun(
            id: "p1",
            name: "brave-fox",
            deploymentID: "d1",
            jobVariables: nil,
            stateType: state,
            stateMessage: message,
            infrastructurePID: pid
        )
    }

    /// What this bridge (replica-a) decides.
    func decide(_ run: PrefectFlowRun, _ mirror: FlowRun?) -> PrefectBridgeAction {
        PrefectBridgeAction.decide(prefect: run, mirror: mirror, replica: "replica-a")
    }

    func mirror(_ state: RunState, handle: String? = nil, reason: String = "") -> FlowRun {
        let date = Date(timeIntervalSince1970: 0)
        return FlowRun(
            id: "m1",
            deploymentID: 1,
            deploymentName: "prefect.d1",
            poolID: 1,
            poolName: "prefect.local",
            queueID: 1,
            queueName: "default",
            scheduledTime: date,
            jobVariables: nil,
            idempotencyKey: "p1",
            state: state,
            stateReason: reason,
            stateChangedAt: date,
            attempt: 1,
            providerHandle: handle,
            leaseOwner: nil,
            leaseExpiresAt: nil,
            createdAt: date
        )
    }

    @Test func aPendingRunThisBridgeTookButNeverMirroredIsMirrored() {
        let run = prefect("PENDING", message: "\(PrefectBridgeAction.pendingMarker) (replica-a)")
        #expect(decide(run, nil) == .createMirror)
    }

    @Test func aPendingRunAnotherReplicaTookIsNotMirroredHere() {
        // Its mirror may live in that replica's own store: mirroring it here too would submit it twice.
        let run = prefect("PENDING", message: PrefectBridgeAction.pendingMessage(replica: "replica-b"))
        #expect(decide(run, nil) == .none)
    }

    @Test func aPendingRunSomeoneElseTookIsLeftAlone() {
        #expect(decide(prefect("PENDING", message: "worker x"), nil) == .none)
        #expect(decide(prefect("RUNNING"), nil) == .none)
        #expect(decide(prefect("CANCELLING"), nil) == .none)
    }

    @Test func aSubmittedRunGetsItsInfrastructurePIDOnce() {
        #expect(
            decide(prefect("PENDING"), mirror(.pending, handle: "4242"))
                == .recordInfrastructurePID("4242")
        )
        #expect(
            decide(prefect("RUNNING", pid: "4242"), mirror(.running, handle: "4242"))
                == .none
        )
        #expect(decide(prefect("PENDING"), mirror(.pending)) == .none)
    }

    @Test func anInfrastructureFailureIsReportedCrashedWithTheProviderMessage() {
        let crashed = mirror(.crashed, handle: nil, reason: "ECS refused the task: bad image")
        #expect(
            decide(prefect("PENDING"), crashed)
                == .reportCrashed("ECS refused the task: bad image")
        )
        let failed = mirror(.failed, handle: "7", reason: "exit code 3")
        #expect(
            decide(prefect("RUNNING", pid: "7"), failed) == .reportCrashed("exit code 3")
        )
    }

    @Test func cancellingStopsTheInfrastructureThenReportsCancelled() {
        #expect(
            decide(prefect("CANCELLING", pid: "7"), mirror(.running, handle: "7"))
                == .cancelMirror
        )
        #expect(
            decide(prefect("CANCELLING", pid: "7"), mirror(.cancelling, handle: "7"))
                == .none
        )
        #expect(
            decide(prefect("CANCELLING", pid: "7"), mirror(.cancelled, handle: "7"))
                == .reportCancelled
        )
    }

    @Test func onlyAnAcceptedPendingAnswerWins() {
        #expect(PrefectOrchestrationResult(status: "ACCEPT", stateType: "PENDING").accepted(as: "PENDING"))
        #expect(!PrefectOrchestrationResult(status: "ABORT", stateType: "PENDING").accepted(as: "PENDING"))
        #expect(!PrefectOrchestrationResult(status: "REJECT", stateType: "RUNNING").accepted(as: "PENDING"))
        #expect(!PrefectOrchestrationResult(status: "WAIT", stateType: "SCHEDULED").accepted(as: "PENDING"))
    }
}
