import Foundation
import PushgateCLI
import PushgateCore
import Testing

/// `pushgate completion`: scripts a shell accepts and that complete what the command list holds.
@Suite struct CompletionCommandTests {
    func script(_ shell: String) async -> (ExitCode, String) {
        let (context, output) = CommandContext.capturing()
        return (await PushgateCommand.main(["completion", shell], context: context), output.stdout)
    }

    /// Runs `body` in bash with the bash script sourced; returns its standard output.
    func bash(_ script: String, _ body: String) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-completion-\(UUID().uuidString).bash")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try runChild("/usr/bin/bash", ["-c", body.replacingOccurrences(of: "SCRIPT", with: file.path)])
    }

    @Test func theBashScriptParsesAndCompletes() async throws {
        let (status, text) = await script("bash")
        #expect(status == .success)
        #expect(try bash(text, "bash -n SCRIPT").0 == 0)
        let commands = try bash(text, "source SCRIPT; COMP_WORDS=(pushgate po); COMP_CWORD=1; _pushgate; echo \"${COMPREPLY[@]}\"")
        #expect(commands.1.trimmingCharacters(in: .whitespacesAndNewlines) == "pool", "\(commands.1)")
        let subcommands = try bash(
            text,
            "source SCRIPT; COMP_WORDS=(pushgate --db x.db deployment u); COMP_CWORD=4; _pushgate; echo \"${COMPREPLY[@]}\""
        )
        #expect(subcommands.1.trimmingCharacters(in: .whitespacesAndNewlines) == "update", "\(subcommands.1)")
    }

    @Test func zshAndFishScriptsNameEveryCommand() async throws {
        for shell in ["zsh", "fish"] {
            let (status, text) = await script(shell)
            #expect(status == .success)
            for command in PushgateCommand.commands { #expect(text.contains(command.name), "\(shell): \(command.name)") }
        }
        #expect(await script("zsh").1.hasPrefix("#compdef pushgate"))
        #expect(await script("tcsh").0 == .usage)
    }
}
