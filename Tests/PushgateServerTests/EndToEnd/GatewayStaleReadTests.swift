import Foundation
import PushgateCore
import PushgateEmulators
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Issue 13 through `pushgate serve`: ACI status reads that answer 404 for groups that still run keep
    /// their runs in flight, so the pool's limit holds as ARM sees it, and every run ends as its group did.
    @Suite struct GatewayStaleReadTests {
        @Test(arguments: [0, 4])
        func staleNotFoundReadsNeverFreeASlotEarly(staleReads: Int) async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.3, running: 1.5), staleNotFoundReads: staleReads)
            defer { Task { await h.close() } }
            try await h.pool("aci", .azureContainerInstance, limit: 2, deployments: [("batch", nil, ["image": "registry.example/batch:1"], nil)])
            let runs = try await h.runs("batch", count: 5)
            try h.startGateway()
            #expect(try await h.waitForAllTerminal(timeout: 90), "\(h.allLogs.suffix(2_000))")
            for id in runs { #expect(try await h.store.run(id: id).state == .completed, "\(id)") }
            let stats = h.suite.containerInstances.statistics
            #expect(stats.workloads == 5)
            #expect(stats.peakConcurrentGroups <= 2, "the pool limit as ARM saw it: \(stats.peakConcurrentGroups)")
            if staleReads > 0 {
                #expect(stats.notFoundAnswers == 5 * staleReads)
                #expect(h.allLogs.contains("workload unconfirmed"), "the stale reads were seen as unconfirmed")
            } else {
                #expect(stats.notFoundAnswers == 0)
            }
        }
    }
}
