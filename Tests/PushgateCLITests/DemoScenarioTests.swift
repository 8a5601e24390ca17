import Foundation
import PushgateCore
import PushgateEmulators
import PushgateRegistry
import PushgateStore
import PushgateTestSupport
import Testing

@testable import PushgateCLI

@Suite struct DemoScenarioTests {
    @Test func aChangeThatKeepsTheStateReadsWithoutASelfTransition() {
        let at = Date(timeIntervalSince1970: 0)
        #expect(
            TableOutput.transition(StateTransition(runID: "r", from: .pending, to: .pending, at: at, reason: "submitted as arn:1"))
                == "Pending: submitted as arn:1"
        )
        #expect(
            TableOutput.transition(StateTransition(runID: "r", from: .scheduled, to: .pending, at: at, reason: "claimed"))
                == "Scheduled → Pending: claimed"
        )
        #expect(TableOutput.transition(StateTransition(runID: "r", from: nil, to: .scheduled, at: at, reason: "created")) == "Scheduled: created")
    }

    @Test func theHelpCountsTheRunsTheDemoMakes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-demo-test-\(UUID().uuidString)")
        let suite = try EmulatorSuite.start(EmulatorSuite.Options(directory: directory), ProviderRegistry.emulators)
        defer {
            suite.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("demo.db").path)
        let (context, _) = CommandContext.capturing()
        let ids = try await DemoScenario.create(
            in: store,
            suite: suite,
            templates: Fixtures.repositoryRoot().appendingPathComponent("templates"),
            context: context
        )
        await store.close()
        #expect(DemoCommand.help.contains("and \(ids.count) runs"), "the demo made \(ids.count)")
    }
}
