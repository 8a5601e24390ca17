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
        #expect(PrefectBridgeAction.decide(prefect: run, mirror: nil) == .createMirror)
    }

    @Test func aPendingRunSomeoneElseTookIsLeftAlone() {
        #expect(PrefectBridgeAction.decide(prefect: prefect("PENDING", message: "worker x"), mirror: nil) == .none)
        #expect(PrefectBridgeAction.decide(prefect: prefect("RUNNING"), mirror: nil) == .none)
        #expect(PrefectBridgeAction.decide(prefect: prefect("CANCELLING"), mirror: nil) == .none)
    }

    @Test func aSubmittedRunGetsItsInfrastructurePIDOnce() {
        #expect(PrefectBridgeAction.decide(prefect: prefect("PENDING"), mirror: mirror(.pending, handle: "4242")) == .recordInfrastructurePID("4242"))
        #expect(PrefectBridgeAction.decide(prefect: prefect("RUNNING", pid: "4242"), mirror: mirror(.running, handle: "4242")) == .none)
        #expect(PrefectBridgeAction.decide(prefect: prefect("PENDING"), mirror: mirror(.pending)) == .none)
    }

    @Test func anInfrastructureFailureIsReportedCrashedWithTheProviderMessage() {
        let crashed = mirror(.crashed, handle: nil, reason: "ECS refused the task: bad image")
        #expect(PrefectBridgeAction.decide(prefect: prefect("PENDING"), mirror: crashed) == .reportCrashed("ECS refused the task: bad image"))
        let failed = mirror(.failed, handle: "7", reason: "exit code 3")
        #expect(PrefectBridgeAction.decide(prefect: prefect("RUNNING", pid: "7"), mirror: failed) == .reportCrashed("exit code 3"))
    }

    @Test func cancellingStopsTheInfrastructureThenReportsCancelled() {
        #expect(PrefectBridgeAction.decide(prefect: prefect("CANCELLING", pid: "7"), mirror: mirror(.running, handle: "7")) == .cancelMirror)
        #expect(PrefectBridgeAction.decide(prefect: prefect("CANCELLING", pid: "7"), mirror: mirror(.cancelling, handle: "7")) == .none)
        #expect(PrefectBridgeAction.decide(prefect: prefect("CANCELLING", pid: "7"), mirror: mirror(.cancelled, handle: "7")) == .reportCancelled)
    }

    @Test func onlyAnAcceptedPendingAnswerWins() {
        #expect(PrefectOrchestrationResult(status: "ACCEPT", stateType: "PENDING").accepted(as: "PENDING"))
        #expect(!PrefectOrchestrationResult(status: "ABORT", stateType: "PENDING").accepted(as: "PENDING"))
        #expect(!PrefectOrchestrationResult(status: "REJECT", stateType: "RUNNING").accepted(as: "PENDING"))
        #expect(!PrefectOrchestrationResult(status: "WAIT", stateType: "SCHEDULED").accepted(as: "PENDING"))
    }
}
