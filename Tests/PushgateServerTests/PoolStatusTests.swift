import Foundation
import PushgateCore
import PushgateServer
import PushgateTestSupport
import Synchronization
import Testing

/// A pool whose provider cannot be built (its credentials profile is missing) says why once, where the
/// user looks: the pool's status reason, the preview's held reason, one log line per change.
@Suite struct PoolStatusTests {
    final class RefusingDirectory: ProviderDirectory {
        let provider: ScriptedProvider
        let refusal = Mutex<String?>(nil)
        init(_ provider: ScriptedProvider) { self.provider = provider }
        func provider(for pool: WorkPool) throws -> any Provider {
            if let reason = refusal.withLock({ $0 }) { throw ProviderError(.invalidConfiguration, reason) }
            return provider
        }
    }

    @Test func aPoolThatCannotSubmitSaysWhyOncePerChange() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 2)
        let directory = RefusingDirectory(h.provider)
        directory.refusal.withLock { $0 = "no [aws prod] profile in /etc/pushgate/credentials; there is an [azure prod] profile" }
        let dispatcher = h.dispatcher(providers: directory)
        for _ in 0..<5 { await dispatcher.runOnce() }
        #expect(h.provider.submitCalls == 0)
        let pool = try await h.store.pool(named: "pool")
        #expect(pool.statusReason?.hasPrefix("no [aws prod] profile") == true)
        let errors = h.logLines.all.split(separator: "\n").filter { $0.contains("pool cannot submit") }
        #expect(errors.count == 1, "\(errors)")
        // The preview holds the due runs and says why.
        let preview = try await h.store.preview(pool: "pool", now: h.clock.now(), upcoming: 10)
        #expect(preview.filter { runs.map(\.id).contains($0.run.id) }.allSatisfy { $0.verdict == .held(.poolCannotSubmit) })
        let (status, body) = await ServerTestHarness.call(h.router(), "GET", "/work_pools/pool/preview")
        #expect(status == 200 && body.arrayValue?.first?["detail"]?.stringValue?.contains("[aws prod]") == true, "\(body)")
        let (_, poolBody) = await ServerTestHarness.call(h.router(), "GET", "/work_pools/pool")
        #expect(poolBody["status_reason"]?.stringValue?.contains("[aws prod]") == true)

        // Fixed: the reason clears, once, and the runs go out.
        directory.refusal.withLock { $0 = nil }
        for _ in 0..<3 { await dispatcher.runOnce() }
        #expect(try await h.store.pool(named: "pool").statusReason == nil)
        #expect(h.logLines.all.split(separator: "\n").filter { $0.contains("pool can submit again") }.count == 1)
        #expect(h.provider.submitCalls == 2)
    }
}
