import Foundation
import PushgateCore
import Testing

@testable import PushgateCLI

@Suite struct StoreAccessTests {
    /// Runs `StoreAccess.withStore` on a fresh SQLite database with `body`, keeping the store it was given so
    /// the test can see afterwards whether it was closed (a closed store fails every call with `.io`).
    private func withKeptStore(_ body: (any Store) async throws -> ExitCode) async -> (ExitCode, String, (any Store)?) {
        let cli = PoolCLIHarness()
        let (context, captured) = CommandContext.capturing(environment: ["PUSHGATE_DB": cli.database])
        var kept: (any Store)?
        let status = await StoreAccess.withStore("pool ls", context) { store in
            kept = store
            return try await body(store)
        }
        return (status, captured.stderr, kept)
    }

    @Test("withStore closes the store when the body throws, then reports the error")
    func closesWhenTheBodyThrows() async throws {
        let (status, stderr, kept) = await withKeptStore { store in
            _ = try await store.pools()
            throw InputError("refused")
        }
        #expect(status == .failure)
        #expect(stderr == "pushgate pool ls: refused\n")
        let store = try #require(kept)
        let error = await #expect(throws: StoreError.self) { try await store.pools() }
        #expect(error?.code == .io)
    }

    @Test("withStore closes the store when the body succeeds")
    func closesWhenTheBodySucceeds() async throws {
        let (status, stderr, kept) = await withKeptStore { store in
            _ = try await store.pools()
            return .success
        }
        #expect(status == .success)
        #expect(stderr.isEmpty)
        let store = try #require(kept)
        let error = await #expect(throws: StoreError.self) { try await store.pools() }
        #expect(error?.code == .io)
    }
}
