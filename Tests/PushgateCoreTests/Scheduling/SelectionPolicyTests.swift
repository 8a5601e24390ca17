import Foundation
import PushgateCore
import Testing

@Suite struct SelectionPolicyTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    func run(_ id: String, queue: Int64, deployment: Int64 = 1, at offset: TimeInterval = -60) -> SelectionCandidate {
        SelectionCandidate(runID: id, queueID: queue, deploymentID: deployment, scheduledTime: now.addingTimeInterval(offset))
    }

    func picked(_ decisions: [SelectionDecision]) -> [String] {
        decisions.filter { $0.verdict == .next }.map(\.candidate.runID)
    }

    func reason(_ decisions: [SelectionDecision], _ id: String) -> HoldReason? {
        decisions.first { $0.candidate.runID == id }?.holdReason
    }

    /// docs/prefect-semantics.md §4.4: pool limit 3; critical p1 limit 1, high p5 limit 3, low p10; three runs each.
    @Test func prefectWaterfallExample() {
        let pool = PoolSnapshot(
            concurrencyLimit: 3,
            isPaused: false,
            inFlight: 0,
            queues: [
                .init(id: 3, priority: 10, concurrencyLimit: nil, isPaused: false, inFlight: 0),
                .init(id: 2, priority: 5, concurrencyLimit: 3, isPaused: false, inFlight: 0),
                .init(id: 1, priority: 1, concurrencyLimit: 1, isPaused: false, inFlight: 0),
            ]
        )
        var candidates: [SelectionCandidate] = []
        for (queue, name) in [(Int64(1), "c"), (2, "h"), (3, "l")] {
            for i in 0..<3 { candidates.append(run("\(name)\(i)", queue: queue, at: Double(-100 + i))) }
        }
        let decisions = SelectionPolicy.select(pool: pool, candidates: candidates.shuffled(), now: now)
        #expect(picked(decisions) == ["c0", "h0", "h1"])
        #expect(reason(decisions, "c1") == .queueFull)
        #expect(reason(decisions, "h2") == .poolFull)
        #expect(reason(decisions, "l0") == .poolFull)
    }

    @Test func fifoWithinQueueAndNotDueHeld() {
        let pool = PoolSnapshot(
            concurrencyLimit: nil,
            isPaused: false,
            inFlight: 0,
            queues: [.init(id: 1, priority: 1, concurrencyLimit: nil, isPaused: false, inFlight: 0)]
        )
        let decisions = SelectionPolicy.select(
            pool: pool,
            candidates: [run("b", queue: 1, at: -5), run("a", queue: 1, at: -10), run("c", queue: 1, at: 0), run("d", queue: 1, at: 1)],
            now: now
        )
        #expect(picked(decisions) == ["a", "b", "c"])
        #expect(reason(decisions, "d") == .notDue)
    }

    @Test func inFlightRunsTakeSlotsAndPausedQueuesCountForThePool() {
        let pool = PoolSnapshot(
            concurrencyLimit: 3,
            isPaused: false,
            inFlight: 2,
            queues: [
                .init(id: 1, priority: 1, concurrencyLimit: nil, isPaused: true, inFlight: 2),
                .init(id: 2, priority: 2, concurrencyLimit: nil, isPaused: false, inFlight: 0),
            ]
        )
        let decisions = SelectionPolicy.select(
            pool: pool,
            candidates: [run("p", queue: 1), run("a", queue: 2, at: -3), run("b", queue: 2, at: -2)],
            now: now
        )
        #expect(picked(decisions) == ["a"])
        #expect(reason(decisions, "p") == .queuePaused)
        #expect(reason(decisions, "b") == .poolFull)
    }

    @Test func deploymentLimitSkipsToTheNextRunOfTheQueue() {
        let pool = PoolSnapshot(
            concurrencyLimit: nil,
            isPaused: false,
            inFlight: 0,
            queues: [.init(id: 1, priority: 1, concurrencyLimit: 2, isPaused: false, inFlight: 0)],
            deployments: [7: .init(concurrencyLimit: 1, inFlight: 1), 8: .init(concurrencyLimit: 1, inFlight: 0)]
        )
        let decisions = SelectionPolicy.select(
            pool: pool,
            candidates: [
                run("x1", queue: 1, deployment: 7, at: -4), run("y1", queue: 1, deployment: 8, at: -3),
                run("y2", queue: 1, deployment: 8, at: -2), run("z1", queue: 1, deployment: 9, at: -1),
            ],
            now: now
        )
        #expect(picked(decisions) == ["y1", "z1"])
        #expect(reason(decisions, "x1") == .deploymentFull)
        #expect(reason(decisions, "y2") == .deploymentFull)
    }

    @Test func pausedPoolTakesNothingAndClaimLimitCaps() {
        let queues: [PoolSnapshot.Queue] = [.init(id: 1, priority: 1, concurrencyLimit: nil, isPaused: false, inFlight: 0)]
        let candidates = [run("a", queue: 1, at: -2), run("b", queue: 1, at: -1)]
        let paused = PoolSnapshot(concurrencyLimit: nil, isPaused: true, inFlight: 0, queues: queues)
        #expect(SelectionPolicy.select(pool: paused, candidates: candidates, now: now).allSatisfy { $0.holdReason == .poolPaused })
        let open = PoolSnapshot(concurrencyLimit: nil, isPaused: false, inFlight: 0, queues: queues)
        let capped = SelectionPolicy.select(pool: open, candidates: candidates, now: now, maxClaims: 1)
        #expect(picked(capped) == ["a"])
        #expect(reason(capped, "b") == .claimLimit)
    }

    @Test func zeroLimitsHoldEverything() {
        let pool = PoolSnapshot(
            concurrencyLimit: 0,
            isPaused: false,
            inFlight: 0,
            queues: [.init(id: 1, priority: 1, concurrencyLimit: nil, isPaused: false, inFlight: 0)]
        )
        #expect(picked(SelectionPolicy.select(pool: pool, candidates: [run("a", queue: 1)], now: now)).isEmpty)
    }
}
