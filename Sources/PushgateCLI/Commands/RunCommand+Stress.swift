import Foundation
import PushgateCore
import PushgateStore

extension RunCommand {
    /// `pushgate run stress --pool P --deployment D [--owner O] [--limit N]`: creates and claims runs in a loop,
    /// printing `created ID` / `claimed ID` after each commit, until N iterations or until killed. The
    /// SIGKILL durability test uses it; it is not listed in the help.
    static func stress(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        guard let pool = parsed.option("pool"), let deployment = parsed.option("deployment") else {
            throw UsageError("run stress needs --pool and --deployment")
        }
        let owner = parsed.option("owner") ?? "stress-\(ProcessInfo.processInfo.processIdentifier)"
        let iterations = try parsed.intOption("limit") ?? Int.max
        let batch = try parsed.intOption("claim-batch") ?? 3
        let lease = try parsed.option("lease").map(DurationArgument.parse) ?? 30
        return await StoreAccess.withStore(command, context) { store in
            var iteration = 0
            while iteration < iterations {
                iteration += 1
                let specs = (0..<2).map { i in
                    FlowRunSpec(deploymentName: deployment, idempotencyKey: i == 0 ? "stress-\(owner)-\(iteration)" : nil)
                }
                for creation in try await store.createRuns(specs, now: Date()) { context.print("created \(creation.run.id)") }
                for run in try await store.claim(pool: pool, owner: owner, limit: batch, leaseDuration: lease, now: Date()) {
                    context.print("claimed \(run.id)")
                    if iteration % 2 == 0 {
                        _ = try await store.markSubmitted(runID: run.id, owner: owner, providerHandle: "h-\(run.id)", now: Date())
                        context.print("submitted \(run.id)")
                    }
                }
            }
            return .success
        }
    }
}
