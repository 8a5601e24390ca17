import Foundation
import PushgateCLI
import PushgateCore
import Testing

/// No subcommand accepts an option it does not apply: each refuses one its command knows but it ignores,
/// with exit 2 and the option named, before changing anything.
@Suite struct StrayOptionTests {
    /// Each case's arguments; the stray option is the last one starting with `--`.
    static let cases: [[String]] = [
        ["pool", "create", "p", "--type", "ecs:push", "--json"],
        ["pool", "ls", "--paused"],
        ["pool", "inspect", "p", "--upcoming", "3"],
        ["pool", "update", "p", "--allow-undeclared-variables", "--upcoming", "2"],
        ["pool", "pause", "p", "--json"],
        ["pool", "resume", "p", "--force"],
        ["pool", "set-concurrency", "p", "3", "--concurrency", "4"],
        ["pool", "delete", "p", "--force"],
        ["pool", "preview", "p", "--template", "t.json"],
        ["queue", "create", "p", "q", "--json"],
        ["queue", "ls", "p", "--priority", "2"],
        ["queue", "inspect", "p", "default", "--paused"],
        ["queue", "update", "p", "default", "--paused"],
        ["queue", "pause", "p", "default", "--priority", "1"],
        ["queue", "delete", "p", "default", "--json"],
        ["deployment", "create", "d", "--pool", "p", "--json"],
        ["deployment", "ls", "--vars", "{}"],
        ["deployment", "inspect", "d", "--queue", "q"],
        ["deployment", "update", "d", "--json"],
        ["deployment", "delete", "d", "--pool", "p"],
        ["run", "create", "d", "--state", "Late"],
        ["run", "ls", "--vars", "{}"],
        ["run", "inspect", "x", "--limit", "3"],
        ["run", "cancel", "x", "--json"],
    ]

    @Test(arguments: cases)
    func aStrayOptionIsRefused(_ arguments: [String]) async throws {
        let cli = PoolCLIHarness()
        await cli.run("pool", "create", "p", "--type", "ecs:push")
        await cli.run("deployment", "create", "d", "--pool", "p")
        let before = await cli.run("pool", "inspect", "p", "--json").out + (await cli.run("deployment", "inspect", "d", "--json").out)
        let result = await cli.run(arguments)
        let stray = arguments.last { $0.hasPrefix("--") }
        #expect(result.status == .usage, "\(arguments): \(result.err)")
        #expect(result.err.hasPrefix("pushgate \(arguments[0]) \(arguments[1]): option '\(stray ?? "?")' does not apply"), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
        let after = await cli.run("pool", "inspect", "p", "--json").out + (await cli.run("deployment", "inspect", "d", "--json").out)
        #expect(before == after, "nothing changed")
    }
}
