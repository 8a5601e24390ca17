import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

/// Every Job body the provider builds walked against the Kubernetes 1.33 `batch/v1` Job schema with strict
/// `additionalProperties` (`Tests/Fixtures/kubernetes`, from PyPI's kubernetes-validate), as the API server's
/// `fieldValidation=Strict` decoding would: no unknown field, the right types, required fields present
/// (docs/provider-apis.md §10.2).
@Suite("Kubernetes: Job bodies against the batch/v1 schema")
struct KubernetesJobSchemaTests {
    static let schema = Result { try JSONSchema(fixture: "kubernetes/job-batch-v1.schema.json") }

    static func body(_ variables: JSONValue) throws -> JSONValue {
        let job = try BearerProviderTestSupport.job(template: "kubernetes.json", variables: variables)
        return try KubernetesJobSpec.make(job, defaultNamespace: "default").get().manifest
    }

    /// The walker itself finds what it is there to find, so a clean result below means something.
    @Test func theWalkerNamesUnknownFieldsWrongTypesAndMissingRequiredOnes() throws {
        let schema = try Self.schema.get()
        let bad: JSONValue = [
            "apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "x", "labels": ["a": 1]],
            "spec": [
                "backoffLimit": "0", "bogus": true,
                "template": ["spec": ["restartPolicy": "Never", "containers": [["image": "busybox", "env": [["value": "v"]]]]]],
            ],
        ]
        let problems = Set(schema.problems(bad))
        #expect(problems.contains("$.spec.bogus: unknown field"))
        #expect(problems.contains { $0.hasPrefix("$.spec.backoffLimit: expected integer") })
        #expect(problems.contains { $0.hasPrefix("$.metadata.labels.a: expected string") })
        #expect(problems.contains("$.spec.template.spec.containers[0].name: required"))
        #expect(problems.contains("$.spec.template.spec.containers[0].env[0].name: required"))
        #expect(problems.count == 5, "\(problems.sorted())")
        #expect(schema.problems(["apiVersion": "batch/v2", "kind": "Job"]).contains { $0.hasPrefix("$.apiVersion: \"batch/v2\" is not one of") })
        #expect(
            schema.problems(["spec": ["template": ["spec": ["containers": [["name": "c", "resources": ["limits": ["cpu": .null]]]]]]]]).count == 1
        )
    }

    @Test func theShippedTemplateWithOnlyAnImageIsAValidJob() throws {
        let body = try Self.body(["image": "busybox:1.36"])
        let problems = try Self.schema.get().problems(body)
        #expect(problems == [], "\(problems)")
        // Prefect's template has them in the pod spec, which strict decoding refuses; they belong to the Job.
        #expect(body.member(at: "spec", "parallelism")?.intValue == 1)
        #expect(body.member(at: "spec", "completions")?.intValue == 1)
        #expect(body.member(at: "spec", "template", "spec", "parallelism") == nil)
    }

    @Test func aVariablesHeavyJobIsAValidJob() throws {
        let body = try Self.body([
            "image": "registry.example/flows/etl:2026.12",
            "name": "nightly-etl",
            "namespace": "flows",
            "command": "python -m flows.etl --date '2026-12-07' --verbose",
            "env": ["PREFECT_API_URL": "http://prefect:4200/api", "RETRIES": "3", "DEBUG": "true"],
            "labels": ["team": "data", "cost-centre": "42", "tier": "batch"],
            "service_account_name": "flow-runner",
            "image_pull_policy": "Always",
            "finished_job_ttl": 600,
            "pod_watch_timeout_seconds": 120,
            "job_watch_timeout_seconds": 3600,
            "stream_output": false,
            "cpu_request": "250m", "cpu_limit": "2", "memory_request": "256Mi", "memory_limit": "1Gi",
        ])
        let problems = try Self.schema.get().problems(body)
        #expect(problems == [], "\(problems)")
        #expect(body.member(at: "metadata", "namespace")?.stringValue == "flows")
        #expect(body.member(at: "spec", "ttlSecondsAfterFinished")?.intValue == 600)
        let container = try #require(body.member(at: "spec", "template", "spec", "containers")?.arrayValue?.first)
        #expect(container["args"] == ["python", "-m", "flows.etl", "--date", "2026-12-07", "--verbose"])
        #expect(container["env"]?.arrayValue?.count == 3)
        #expect(container.member(at: "resources", "limits", "memory")?.stringValue == "1Gi")
    }
}
