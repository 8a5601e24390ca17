import Foundation
import PushgateCore
import Synchronization

/// An in-memory Prefect server for the bridge's loop: runs keyed by id, and the parts of `CoreFlowPolicy`
/// the bridge relies on (`PreventPendingTransitions` aborts a second PENDING proposal; terminal states are
/// final unless forced).
final class ScriptedPrefectAPI: PrefectAPI {
    struct State {
        var runs: [String: PrefectFlowRun] = [:]
        var heartbeats: [String] = []
        var proposals: [(String, String, String)] = []
    }

    let state = Mutex(State())
    let template: JSONValue

    init(template: JSONValue) { self.template = template }

    func add(_ run: PrefectFlowRun) { state.withLock { $0.runs[run.id] = run } }
    func run(_ id: String) -> PrefectFlowRun? { state.withLock { $0.runs[id] } }
    func setType(_ id: String, _ type: String) { state.withLock { $0.runs[id]?.stateType = type } }

    func serverVersion() async throws -> String { "3.9.1" }

    func workPool(named name: String) async throws -> PrefectWorkPool {
        PrefectWorkPool(name: name, type: "process", baseJobTemplate: template, isPaused: false)
    }

    func heartbeat(pool: String, worker: String, intervalSeconds: Int) async throws {
        state.withLock { $0.heartbeats.append("\(pool)/\(worker)") }
    }

    func scheduledFlowRuns(pool: String) async throws -> [PrefectFlowRun] {
        state.withLock { $0.runs.values.filter { $0.stateType == "SCHEDULED" }.sorted { $0.id < $1.id } }
    }

    func flowRuns(pool: String, stateTypes: [String]) async throws -> [PrefectFlowRun] {
        state.withLock { $0.runs.values.filter { stateTypes.contains($0.stateType) }.sorted { $0.id < $1.id } }
    }

    func deploymentJobVariables(id: String) async throws -> JSONValue?? {
        .some(.object(["env": .object(["FROM_DEPLOYMENT": .string("yes")])]))
    }

    func setState(runID: String, type: String, name: String, message: String, force: Bool) async throws -> PrefectOrchestrationResult {
        state.withLock { state in
            state.proposals.append((runID, type, message))
            guard var run = state.runs[runID] else { return PrefectOrchestrationResult(status: "ABORT", stateType: nil) }
            if !force {
                if run.isTerminal || (type == "PENDING" && ["PENDING", "RUNNING", "CANCELLING", "CANCELLED"].contains(run.stateType)) {
                    return PrefectOrchestrationResult(status: "ABORT", stateType: run.stateType)
                }
            }
            run.stateType = type
            run.stateMessage = message
            state.runs[runID] = run
            return PrefectOrchestrationResult(status: "ACCEPT", stateType: type)
        }
    }

    func setInfrastructurePID(runID: String, pid: String) async throws {
        state.withLock { $0.runs[runID]?.infrastructurePID = pid }
    }
}
