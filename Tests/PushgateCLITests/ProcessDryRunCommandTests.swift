import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport
import Testing

/// `pushgate dry-run` of a `process` pool: no credentials needed, one command step with the words, the
/// working directory and the environment, secrets redacted (docs/provider-apis.md §6.4).
@Suite struct ProcessDryRunCommandTests {
    @Test func showsTheCommandLineWithoutCredentialsAndRedactsSecrets() async throws {
        let cli = PoolCLIHarness()
        let template = Fixtures.repositoryRoot().appendingPathComponent("templates/process.json").path
        let variables =
            #"{"command": "python -m flows.etl --day 'last monday'", "env": {"API_TOKEN": "tok-123", "STAGE": "demo"}, "working_dir": "/srv/flows"}"#
        let text = await cli.run(
            [
                "dry-run", "--template", template, "--type", "process", "--deployment-vars", variables, "--run-id",
                "11111111-2222-3333-4444-555555555555",
            ],
            environment: ["PUSHGATE_DATA_DIR": "/var/lib/pushgate"]
        )
        #expect(text.status == .success, "\(text.err)")
        #expect(text.out.contains("$ python -m flows.etl --day 'last monday'\n"), "\(text.out)")
        #expect(text.out.contains("working directory: /srv/flows"))
        #expect(text.out.contains("  API_TOKEN=<redacted>\n") && text.out.contains("  STAGE=demo\n"))
        #expect(text.out.contains("  PREFECT__FLOW_RUN_ID=11111111-2222-3333-4444-555555555555\n"))
        #expect(text.out.contains("/var/lib/pushgate/process/attempts/pg-11111111-2222-3333-4444-555555555555-1"))
        #expect(!text.out.contains("tok-123"))
        #expect(text.out.contains("1 step(s) shown; nothing was sent"))

        let json = await cli.run(["dry-run", "--template", template, "--type", "process", "--deployment-vars", variables, "--json"])
        let step = try #require(json.json?.arrayValue?.first)
        #expect(step["command"] == ["python", "-m", "flows.etl", "--day", "last monday"])
        #expect(step["env"]?.arrayValue?.contains("API_TOKEN=<redacted>") == true)
    }
}
