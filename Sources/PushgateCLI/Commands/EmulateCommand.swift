import Foundation
import PushgateCore
import PushgateEmulators
import PushgateRegistry
import PushgateServer

/// `pushgate emulate`: the loopback emulators of every registered type that has one, with a credentials
/// file for them, so users can try their own templates end to end without a cloud account.
enum EmulateCommand: CLICommand {
    static let name = "emulate"
    static let summary = "run loopback emulators of the provider APIs (no cloud account needed)"
    static let help = """
        usage: pushgate emulate [--dir DIR] [--pending SECONDS] [--running SECONDS] [--failure-rate SHARE]
                                [--ports \(emulatedKinds.map { $0.workerType.uppercased() }.joined(separator: ","))]

        Starts emulators of \(emulatedKinds.map(\.rawValue).joined(separator: ", ")) on 127.0.0.1
        and writes DIR/emulator-credentials (default: a new temporary directory) with a profile named
        "emulator" in each section. Point pools at them with
        `pool create NAME --type ecs:push --credentials emulator` and `serve --credentials FILE`.
        Workloads stay pending --pending seconds (default 1) and run --running seconds (default 2); an
        image containing "fail" exits 1, a command "exit N" exits N. --failure-rate injects that share of
        5xx, 429 and dropped connections. Runs until SIGINT or SIGTERM.

        Types without an emulator here: \(ProviderRegistry.entries.filter { $0.emulator == nil }.map(\.provider.kind.rawValue).joined(separator: ", "))
        (Modal's gRPC fake, Tests/Support/fake_modal_server.py, needs grpcio and runs in the tests).
        """

    static var emulatedKinds: [ProviderKind] { ProviderRegistry.emulators.map(\.kind) }

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        let options: EmulatorSuite.Options
        do {
            options = try parse(try ParsedArguments(arguments, valueOptions: ["dir", "pending", "running", "failure-rate", "ports"]))
        } catch {
            context.error("pushgate emulate: \(error)")
            return .usage
        }
        let suite: EmulatorSuite
        do {
            suite = try EmulatorSuite.start(options, ProviderRegistry.emulators)
        } catch {
            context.error("pushgate emulate: \(error)")
            return .usage
        }
        defer { suite.stop() }
        let width = suite.emulators.map(\.kind.rawValue.count).max() ?? 0
        let lines = suite.emulators.map {
            "  " + $0.kind.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.emulator.summary
                + "  [profile \(suite.profile(for: $0.kind))]"
        }
        context.print("emulators running (each with its credentials profile):")
        for line in lines { context.print(line) }
        context.print("credentials file: \(suite.credentialsPath)\nstop with Ctrl-C")
        _ = await SignalWatcher.first()
        context.print("workloads created: " + suite.workloads.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: " "))
        return .success
    }

    static func parse(_ parsed: ParsedArguments) throws -> EmulatorSuite.Options {
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        let directory =
            parsed.option("dir").map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-emulate-\(ProcessInfo.processInfo.processIdentifier)")
        var options = EmulatorSuite.Options(directory: directory)
        func seconds(_ name: String, _ fallback: TimeInterval) throws -> TimeInterval {
            guard let text = parsed.option(name) else { return fallback }
            guard let value = Double(text), value >= 0 else { throw UsageError("option '--\(name)' expects seconds, got '\(text)'") }
            return value
        }
        options.pacing = .timed(pending: try seconds("pending", 1), running: try seconds("running", 2))
        if let text = parsed.option("failure-rate") {
            guard let share = Double(text), (0...1).contains(share) else {
                throw UsageError("option '--failure-rate' expects a share between 0 and 1, got '\(text)'")
            }
            options.faults = FaultConfiguration.mixed(share: share, seed: UInt64(Date().timeIntervalSince1970))
        }
        if let text = parsed.option("ports") {
            let ports = text.split(separator: ",").map { UInt16($0) }
            let count = ProviderRegistry.emulators.count
            guard ports.count == count, ports.allSatisfy({ $0 != nil }) else {
                throw UsageError("option '--ports' expects \(count) ports, one per emulator, got '\(text)'")
            }
            options.ports = ports.map { $0! }
        }
        return options
    }
}
