import Foundation
import PushgateCore
import Testing

/// docs/prefect-semantics.md §2.3: the VERIFIED env table and gotchas G1–G4, with pushgate's decisions.
@Suite struct JobVariableMergeTests {
    static func template(env jcEnv: String, extra: String = "") throws -> BaseJobTemplate {
        try BaseJobTemplate(
            data: Data(
                """
                {"job_configuration": {"env": \(jcEnv), "image": "{{ image }}", "net": "{{ net }}", "req": {"environment": "{{ env }}"}},
                 "variables": {"type": "object", "properties": {
                    "env": {"type": "object", "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                            "default": {"POOL": "p", "SHARED": "pool"}},
                    "image": {"type": "string", "default": "img:default"},
                    "net": {"type": "object", "default": {"subnets": ["a"], "assignPublicIp": "ENABLED"}}
                    \(extra)}}}
                """.utf8
            ),
            file: "t.json"
        )
    }

    func render(_ template: BaseJobTemplate, deployment: String? = nil, run: String? = nil) throws -> JSONValue {
        try template.render(
            deployment: .init(try deployment.map { try JSONValue.parse($0) }, name: "deployment"),
            run: .init(try run.map { try JSONValue.parse($0) }, name: "run")
        )
    }

    @Test func poolDefaultsAlone() throws {
        let out = try render(try Self.template(env: #""{{ env }}""#))
        #expect(out["env"] == ["POOL": "p", "SHARED": "pool"])
        #expect(out["image"] == "img:default")
    }

    @Test func deploymentEnvMergesKeyByKey() throws {
        let out = try render(try Self.template(env: #""{{ env }}""#), deployment: #"{"env": {"DEP": "d", "SHARED": "dep"}}"#)
        #expect(out["env"] == ["DEP": "d", "POOL": "p", "SHARED": "dep"])
    }

    @Test func dottedEnvKey() throws {
        let out = try render(try Self.template(env: #""{{ env }}""#), deployment: #"{"env.FOO": "bar"}"#)
        #expect(out["env"] == ["FOO": "bar", "POOL": "p", "SHARED": "pool"])
    }

    @Test func literalEnvIsTheLowestLayer() throws {
        let t = try Self.template(env: #"{"HARD": "h", "SHARED": "jc"}"#)
        #expect(try render(t)["env"] == ["HARD": "h", "POOL": "p", "SHARED": "pool"])
        #expect(try render(t, deployment: #"{"env": {"SHARED": "dep"}}"#)["env"] == ["HARD": "h", "POOL": "p", "SHARED": "dep"])
    }

    @Test func runOverridesDeploymentKeyByKey() throws {
        let out = try render(
            try Self.template(env: #""{{ env }}""#),
            deployment: #"{"env": {"DEP": "d", "SHARED": "dep"}, "image": "dep:1"}"#,
            run: #"{"env": {"SHARED": "run", "RUN": "r"}}"#
        )
        #expect(out["env"] == ["DEP": "d", "POOL": "p", "RUN": "r", "SHARED": "run"])
        #expect(out["image"] == "dep:1")
    }

    /// The last row of the table: the pure render keeps `N: 5` and `U: null`; the submitted form
    /// stringifies values and drops nulls, as Prefect's pydantic model and `prepare_for_flow_run` do.
    @Test func nullEnvValuesAreDroppedOnlyWhenSubmitting() throws {
        let t = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"env": "{{ env }}"},
                 "variables": {"properties": {"env": {"type": "object", "default": {"POOL": "p"}}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        let out = try render(t, deployment: #"{"env": {"N": 5, "U": null}}"#)
        #expect(out["env"] == ["N": 5, "POOL": "p", "U": nil])
        #expect(out.preparedForSubmission()["env"] == ["N": "5", "POOL": "p"])
    }

    /// G1, deliberately fixed: every `{{ env }}` gets the fully merged env (Prefect gives other references
    /// the deployment's env without the pool defaults).
    @Test func g1EveryEnvReferenceGetsTheMergedEnv() throws {
        let out = try render(try Self.template(env: #""{{ env }}""#), deployment: #"{"env": {"DEP": "d"}}"#)
        #expect(out["req"]?["environment"] == ["DEP": "d", "POOL": "p", "SHARED": "pool"])
    }

    /// G2, kept: every other object variable is replaced whole.
    @Test func g2ObjectVariablesAreReplacedWhole() throws {
        let out = try render(try Self.template(env: #""{{ env }}""#), deployment: #"{"net": {"subnets": ["b"]}}"#)
        #expect(out["net"] == ["subnets": ["b"]])
    }

    /// G3, kept: a dotted key builds a new object; it does not merge into the variable's default.
    @Test func g3DottedKeysDoNotMergeIntoDefaults() throws {
        let out = try render(try Self.template(env: #""{{ env }}""#), deployment: #"{"net.securityGroups": ["sg"]}"#)
        #expect(out["net"] == ["securityGroups": ["sg"]])
    }

    /// G4, kept: an explicit null overrides a default.
    @Test func g4ExplicitNullOverridesDefault() throws {
        let t = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"whole": "{{ image }}", "embedded": "repo/{{ image }}"},
                 "variables": {"properties": {"image": {"type": "string", "default": "x"}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        let out = try render(t, run: #"{"image": null}"#)
        #expect(out == ["whole": nil, "embedded": "repo/None"])
    }

    @Test func nullDefaultsAreIgnoredSoTheKeyIsRemoved() throws {
        let t = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"cpu": "{{ cpu }}", "keep": 1},
                 "variables": {"properties": {"cpu": {"type": "integer", "default": null}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        #expect(try render(t) == ["keep": 1])
    }

    @Test func wrongTypesAreReportedAgainstTheLayerThatSuppliedThem() throws {
        let t = try Self.template(env: #""{{ env }}""#)
        let problems = t.validateJobVariables(
            deployment: .init(try JSONValue.parse(#"{"image": 5}"#), name: "dep.json"),
            run: .init(try JSONValue.parse(#"{"env": {"A": 1}, "net": []}"#), name: "run.json"),
            requireAll: true
        )
        #expect(
            problems.map(\.description) == [
                "dep.json: $.image: expected string, got integer 5",
                "run.json: $.env.A: expected string or null, got integer 1",
                "run.json: $.net: expected object, got array []",
            ]
        )
    }

    @Test func requiredVariablesAreEnforcedAtRunTimeButBlocksComeFromTheProfile() throws {
        let t = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"region": "{{ region }}", "creds": "{{ aws_credentials }}"},
                 "variables": {"required": ["region", "aws_credentials"], "properties": {
                    "region": {"type": "string"},
                    "aws_credentials": {"allOf": [{"$ref": "#/definitions/AwsCredentials"}]}},
                  "definitions": {"AwsCredentials": {"type": "object", "block_type_slug": "aws-credentials"}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        let missing = t.validateJobVariables(deployment: .init(nil, name: "d"), run: .init(nil, name: "r"), requireAll: true)
        #expect(missing.map(\.description) == ["r: $.region: required variable 'region' has no value"])
        #expect(t.validateJobVariables(deployment: .init(nil, name: "d"), run: .init(["region": "eu-west-1"], name: "r"), requireAll: true).isEmpty)
    }

    @Test func blockAndVariablePlaceholdersInValuesAreRefused() throws {
        let t = try Self.template(env: #""{{ env }}""#)
        let problems = t.validateJobVariables(
            deployment: .init(["image": "{{ prefect.variables.image }}"], name: "d"),
            run: .init(["env": ["K": "{{ prefect.blocks.secret.tok }}"]], name: "r"),
            requireAll: true
        )
        #expect(problems.count == 2)
        #expect(problems.allSatisfy { $0.code == .forbiddenPlaceholder })
    }

    @Test func jobVariablesMustBeAnObject() throws {
        let t = try Self.template(env: #""{{ env }}""#)
        let problems = t.validateJobVariables(deployment: .init(nil, name: "d"), run: .init([1, 2], name: "r"), requireAll: true)
        #expect(problems.map(\.description) == ["r: $: job variables must be a JSON object, got array"])
    }
}
