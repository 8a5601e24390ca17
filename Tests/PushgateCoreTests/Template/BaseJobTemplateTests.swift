import Foundation
import PushgateCore
import PushgateTestSupport
import Testing

@Suite struct BaseJobTemplateTests {
    static let referenceFiles: [String] = {
        let dir = Fixtures.url("reference-templates")
        let top = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let workers = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("current-workers").path)) ?? []
        return (top.filter { $0.hasSuffix(".json") } + workers.filter { $0.hasSuffix(".json") }.map { "current-workers/" + $0 }).sorted()
    }()

    @Test func everyReferenceTemplateIsPresent() {
        #expect(Self.referenceFiles.count == 23)
    }

    @Test(arguments: referenceFiles)
    func referenceTemplateValidates(name: String) throws {
        let url = Fixtures.url("reference-templates/\(name)")
        _ = try BaseJobTemplate(data: try Data(contentsOf: url), file: name)
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try BaseJobTemplate(data: Data(text.utf8), file: "t.json")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func malformedJSONHasLineAndColumn() {
        #expect(problems("{\n  \"job_configuration\": {\"a\": 1,}\n}") == ["t.json:2:32: unexpected '}', expected a string key"])
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let found = problems(
            #"""
            {"job_configuration": {"a": "{{ x }}", "b": "{{ $HOME }}", "c": "{{ prefect.blocks.secret.x }}",
                                   "d": "{{ prefect.variables.v }}", "{{ k }}": 1},
             "variables": {"properties": {"x": {"type": "integer", "default": "s"}, "y": {"$ref": "#/definitions/Nope"},
                                          "z": {"type": "strng"}}}}
            """#
        )
        #expect(
            found == [
                "t.json: $.variables.properties.y[\"$ref\"]: unknown reference '#/definitions/Nope': no such entry in definitions or $defs",
                "t.json: $.variables.properties.z.type: unknown type \"strng\"",
                "t.json: $.job_configuration.b: environment placeholder '{{ $HOME }}' is not allowed: pushgate never reads its own environment; declare a variable instead",
                "t.json: $.job_configuration.c: block placeholder '{{ prefect.blocks.secret.x }}' is not supported: pushgate has no block store; credentials come from the pool's credentials profile",
                "t.json: $.job_configuration.d: Prefect variable placeholder '{{ prefect.variables.v }}' is not supported: pushgate has no variable store; declare a job variable instead",
                "t.json: $.job_configuration[\"{{ k }}\"]: placeholder '{{ k }}' in the key \"{{ k }}\" uses undeclared variable 'k': declare it in variables.properties",
                "t.json: $.variables.properties.x.default: expected integer, got string \"s\"",
            ]
        )
    }

    /// Prefect accepts a special placeholder when a property of that literal name is declared; pushgate
    /// refuses it anyway, because resolving it would read the gateway's environment or a store it lacks.
    @Test func declaredSpecialPlaceholdersAreStillRefused() {
        let found = problems(#"{"job_configuration": {"h": "{{ $HOME }}"}, "variables": {"properties": {"$HOME": {"type": "string"}}}}"#)
        #expect(found.count == 1 && found[0].contains("environment placeholder"))
    }

    @Test(arguments: [
        (#"[]"#, "t.json: $: a base job template must be a JSON object, got array"),
        (#"{"variables": {"properties": {}}}"#, "t.json: $: missing 'job_configuration'"),
        (#"{"job_configuration": {"a": 1}}"#, "t.json: $: missing 'variables'"),
        (#"{"job_configuration": {}, "variables": {"properties": {}}}"#, "t.json: $.job_configuration: 'job_configuration' must not be empty"),
        (#"{"job_configuration": {"a": 1}, "variables": {}}"#, "t.json: $.variables: 'variables' must not be empty"),
        (
            #"{"job_configuration": {"a": 1}, "variables": {"type": "array", "properties": {}}}"#,
            "t.json: $.variables.type: the variables schema must have type \"object\", got \"array\""
        ),
        (
            #"{"job_configuration": {"a": 1}, "variables": {"properties": {}, "required": ["nope"]}}"#,
            "t.json: $.variables.required[0]: required variable 'nope' is not declared in properties"
        ),
        (
            #"{"job_configuration": {"a": 1}, "variables": {"properties": {"e": {"enum": ["a"], "default": "b"}}}}"#,
            "t.json: $.variables.properties.e.default: \"b\" is not one of [\"a\"]"
        ),
        (
            #"{"job_configuration": {"a": 1}, "variables": {"properties": {"p": {"type": "string", "pattern": "^ab", "default": "x"}}}}"#,
            "t.json: $.variables.properties.p.default: \"x\" does not match the pattern \"^ab\""
        ),
    ])
    func structuralProblems(text: String, expected: String) {
        #expect(problems(text) == [expected])
    }

    @Test func nestingBeyondTheLimitIsRefusedWithAPosition() {
        let deep =
            #"{"job_configuration": {"a": "# + String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
            + "}, \"variables\": {\"properties\": {}}}"
        let found = problems(deep)
        #expect(found.count == 1 && found[0].hasPrefix("t.json:1:") && found[0].contains("nesting deeper than the limit of 64"))
    }

    @Test func oversizedTemplatesAreRefused() {
        let big =
            #"{"job_configuration": {"a": ""# + String(repeating: "x", count: BaseJobTemplate.maxBytes) + #""}, "variables": {"properties": {}}}"#
        let found = problems(big)
        #expect(found.count == 1 && found[0].contains("exceeds the limit of \(BaseJobTemplate.maxBytes) bytes"))
    }

    @Test func providerRequirementsNameTheMissingKey() throws {
        let template = try BaseJobTemplate(
            data: Data(#"{"job_configuration": {"image": "x"}, "variables": {"properties": {}}}"#.utf8),
            file: "t.json"
        )
        let type = ProviderType(
            kind: ProviderKind(rawValue: "ecs:push"),
            summary: "",
            credentialsProfileKind: "aws",
            requiredConfigurationKeys: ["task_definition", "image", "task_run_request"],
            pacing: PacingRate(perSecond: 1, burst: 1)
        )
        #expect(
            template.problems(for: type).map(\.description) == [
                "t.json: $.job_configuration: ecs:push needs 'job_configuration.task_definition', which is missing",
                "t.json: $.job_configuration: ecs:push needs 'job_configuration.task_run_request', which is missing",
            ]
        )
    }

    @Test func secretValuesNeverAppearInProblems() throws {
        let template = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"t": "{{ token }}"},
                 "variables": {"properties": {"token": {"type": "string", "format": "password", "pattern": "^tok-"}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        let problems = template.validateJobVariables(
            deployment: .init(nil, name: "d"),
            run: .init(["token": "SUPERSECRET"], name: "r"),
            requireAll: true
        )
        #expect(problems.count == 1)
        #expect(!problems[0].description.contains("SUPERSECRET"))
    }
}
