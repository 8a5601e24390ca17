import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport
import Testing

/// The `pushgate validate` / `pushgate render` contract: exit codes, one line per problem, places named.
@Suite struct ValidateCommandTests {
    func run(_ arguments: [String]) async -> (ExitCode, CapturedOutput) {
        let (context, output) = CommandContext.capturing()
        return (await PushgateCommand.main(arguments, context: context), output)
    }

    func temporaryFile(_ text: String, name: String = "t.json") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    var shipped: [String] {
        ["ecs-push", "cloud-run-v2-push", "azure-container-instance-push", "modal-push"].map {
            Fixtures.repositoryRoot().appendingPathComponent("templates/\($0).json").path
        }
    }

    @Test func shippedTemplatesAreValidForTheirTypes() async {
        for (file, type) in zip(shipped, ["ecs:push", "cloud-run-v2:push", "azure-container-instance:push", "modal:push"]) {
            let (status, output) = await run(["validate", file, "--type", type])
            #expect(status == .success, "\(file): \(output.stdout)")
            #expect(output.stdout == "\(file): OK\n")
        }
    }

    @Test func aDashReadsStandardInput() async throws {
        let text = try Data(contentsOf: URL(fileURLWithPath: shipped[0]))
        let (context, output) = CommandContext.capturing(input: text)
        #expect(await PushgateCommand.main(["validate", "-", "--type", "ecs:push"], context: context) == .success)
        #expect(output.stdout == "<stdin>: OK\n")
        let (bad, badOutput) = CommandContext.capturing(input: Data("{\"job_configuration\": ".utf8))
        #expect(await PushgateCommand.main(["validate", "-"], context: bad) == .failure)
        #expect(badOutput.stdout.hasPrefix("<stdin>:1:"), "\(badOutput.stdout)")
    }

    @Test func reportsEveryProblemOfEveryFileAndExitsOne() async throws {
        let bad = try temporaryFile(#"{"job_configuration": {"a": "{{ x }}", "b": "{{ y }}"}, "variables": {"properties": {}}}"#)
        let malformed = try temporaryFile("{\n \"job_configuration\": [1,,]\n}", name: "m.json")
        let (status, output) = await run(["validate", shipped[0], bad, malformed])
        #expect(status == .failure)
        #expect(
            output.stdout.split(separator: "\n") == [
                "\(shipped[0]): OK",
                "\(bad): $.job_configuration.a: placeholder '{{ x }}' uses undeclared variable 'x': declare it in variables.properties",
                "\(bad): $.job_configuration.b: placeholder '{{ y }}' uses undeclared variable 'y': declare it in variables.properties",
                "\(malformed):2:26: unexpected ',', expected a value",
            ]
        )
    }

    @Test func typeRequirementsAreChecked() async {
        let (status, output) = await run(["validate", shipped[3], "--type", "ecs:push"])
        #expect(status == .failure)
        #expect(output.stdout.contains("ecs:push needs 'job_configuration.task_definition'"))
    }

    @Test func usageAndIOErrorsExitTwoWithOneLine() async {
        var (status, output) = await run(["validate"])
        #expect(status == .usage && output.stderr.split(separator: "\n").count == 1)
        (status, output) = await run(["validate", shipped[0], "--type", "lambda"])
        #expect(status == .usage && output.stderr.contains("unknown type 'lambda'"))
        (status, output) = await run(["validate", "/nonexistent/t.json"])
        #expect(status == .usage && output.stderr == "pushgate validate: /nonexistent/t.json: cannot read: no such file\n")
        (status, output) = await run(["validate", shipped[0], "--bogus"])
        #expect(status == .usage && output.stderr.contains("unknown option '--bogus'"))
    }

    @Test func helpIsAvailableEverywhere() async {
        for arguments in [["--help"], ["validate", "--help"], ["render", "--help"]] {
            let (status, output) = await run(arguments)
            #expect(status == .success && output.stdout.contains("usage:"))
        }
    }

    @Test func renderPrintsTheMergedConfiguration() async throws {
        let (status, output) = await run([
            "render", "--template", shipped[0], "--deployment-vars", #"{"image": "repo/app:1", "env": {"A": "dep"}}"#,
            "--run-vars", #"{"env": {"B": "run"}, "cpu": 512}"#,
        ])
        #expect(status == .success)
        let rendered = try JSONValue.parse(output.stdout)
        #expect(rendered["env"] == ["A": "dep", "B": "run"])
        #expect(rendered["task_definition"]?["containerDefinitions"]?.arrayValue?.first?["image"] == "repo/app:1")
        #expect(rendered["task_run_request"]?["overrides"]?["cpu"] == 512)
    }

    @Test func renderReadsVariablesFromFilesAndReportsBadOnes() async throws {
        let vars = try temporaryFile(#"{"cpu": "lots"}"#, name: "run.json")
        var (status, output) = await run(["render", "--template", shipped[0], "--run-vars", "@" + vars])
        #expect(status == .failure)
        #expect(output.stdout == "\(vars): $.cpu: expected integer or null, got string \"lots\"\n")
        (status, output) = await run(["render", "--template", shipped[0], "--deployment-vars", "{\"cpu\": 1"])
        #expect(status == .failure && output.stdout == "--deployment-vars:1:10: unexpected end of input, expected ',' or '}'\n")
        (status, output) = await run(["render", "--template", shipped[0], "--run-vars", "@/nonexistent.json"])
        #expect(status == .usage)
    }
}
