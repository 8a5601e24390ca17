import Foundation
import PushgateCore
import PushgateEmulators
import PushgateProviders
import PushgateTestSupport
import Testing

/// The official Python client (PyPI `kubernetes`, in `.venv-kubernetes/` from scripts/install-deps.sh) as an
/// independent reader of what the fake holds after the provider wrote it (docs/provider-apis.md §10.6): it
/// loads the same JSON kubeconfig, checks the test CA, authenticates with a token and with a client
/// certificate, and deserialises the Job, the Job list and the pods into its typed models (which refuse a
/// missing required field). Skipped only outside CI when the virtual environment is missing.
@Suite(
    "Kubernetes: the official Python client reads what the fake holds",
    .timeLimit(.minutes(2)),
    .enabled(if: KubernetesPythonClient.isAvailable || KubernetesPythonClient.isRequired)
)
struct KubernetesPythonClientTests {
    static let reader = """
        import json, sys
        from kubernetes import client, config
        from kubernetes.client.rest import ApiException
        api = config.new_client_from_config(config_file=sys.argv[1])
        batch, core = client.BatchV1Api(api), client.CoreV1Api(api)
        namespace, name, run = sys.argv[2], sys.argv[3], sys.argv[4]
        try:
            job = batch.read_namespaced_job(name, namespace)
        except ApiException as error:
            print(json.dumps({"status": error.status, "reason": error.reason}))
            sys.exit(0)
        listed = batch.list_namespaced_job(namespace, label_selector="pushgate.io/run-id in (%s)" % run)
        pods = core.list_namespaced_pod(namespace, label_selector="job-name=" + name)
        container = job.spec.template.spec.containers[0]
        print(json.dumps({
            "status": 200,
            "name": job.metadata.name,
            "labels": job.metadata.labels,
            "annotations": job.metadata.annotations,
            "created": job.metadata.creation_timestamp is not None,
            "image": container.image,
            "args": container.args,
            "env": sorted(e.name for e in (container.env or [])),
            "restartPolicy": job.spec.template.spec.restart_policy,
            "backoffLimit": job.spec.backoff_limit,
            "parallelism": job.spec.parallelism,
            "podLabels": job.spec.template.metadata.labels,
            "conditions": [[c.type, c.status] for c in (job.status.conditions or [])],
            "listed": [j.metadata.name for j in listed.items],
            "pods": [[p.metadata.name, p.status.phase] for p in pods.items],
        }))
        """

    static func read(_ kubeconfig: String, _ handle: ProviderHandle, runID: String) throws -> JSONValue {
        let parts = handle.value.split(separator: "/").map(String.init)
        return try JSONValue.parse(
            try PythonScript.run(Self.reader, arguments: [kubeconfig, parts[0], parts[1], runID], interpreter: KubernetesPythonClient.python)
        )
    }

    @Test func theJobThePodsAndTheirEndReadBackThroughTheOfficialClient() async throws {
        try #require(KubernetesPythonClient.isAvailable, "no .venv-kubernetes: run scripts/install-deps.sh")
        try await KubernetesTLSCluster.with(token: "py-token-0001") { cluster, http in
            let kubeconfig = try cluster.kubeconfig(user: ["token": "py-token-0001"])
            let provider = KubernetesProvider(connection: try cluster.connection(kubeconfig), http: http, clock: RecordingSleepClock())
            var job = try BearerProviderTestSupport.job(
                template: "kubernetes.json",
                variables: ["image": "busybox:1.36", "command": "echo 'hello world'", "env": ["STAGE": "prod"], "labels": ["team": "data"]]
            )
            job.now = Date()
            let handle = try await provider.submit(job)
            #expect(try await KubernetesEmulatorTests.states(provider, handle, job).last == .completed)

            let read = try Self.read(kubeconfig, handle, runID: job.runID)
            #expect(read["status"] == 200)
            #expect(read["name"]?.stringValue == KubernetesJobSpec.jobName(job.idempotencyKey))
            #expect(read.member(at: "labels", KubernetesJobSpec.runLabel)?.stringValue == job.runID)
            #expect(read.member(at: "labels", "team") == "data")
            #expect(read.member(at: "podLabels", KubernetesJobSpec.runLabel)?.stringValue == job.runID)
            #expect(read.member(at: "annotations", "pushgate.io/idempotency-key")?.stringValue == job.idempotencyKey)
            #expect(read["created"] == true)
            #expect(read["image"] == "busybox:1.36")
            #expect(read["args"] == ["echo", "hello world"])
            #expect(read["env"] == ["STAGE"])
            #expect(read["restartPolicy"] == "Never")
            #expect(read["backoffLimit"] == 0)
            #expect(read["parallelism"] == 1)
            #expect(read["conditions"]?.arrayValue?.contains(["Complete", "True"]) == true)
            #expect(read["listed"] == [.string(KubernetesJobSpec.jobName(job.idempotencyKey))])
            #expect(read["pods"]?.arrayValue?.first?.arrayValue?.last == "Succeeded")

            // The same, authenticated by a client certificate; and after the gateway's cancel, a 404.
            let issued = try cluster.ca.issueClient(commonName: KubernetesTLSCluster.certificateUser)
            let byCertificate = try cluster.kubeconfig(user: try KubernetesTLSCluster.certificateUser(issued, inline: true), name: "cert.json")
            #expect(try Self.read(byCertificate, handle, runID: job.runID)["name"] == read["name"])
            #expect(cluster.fake.callsByUser["cert:\(KubernetesTLSCluster.certificateUser)"] == 3)
            try await provider.cancel(handle, job: job, reason: "test")
            try await Task.sleep(for: .seconds(1))  // the foreground deletion's 0.3 s
            #expect(try Self.read(kubeconfig, handle, runID: job.runID)["status"] == 404)
        }
    }
}
