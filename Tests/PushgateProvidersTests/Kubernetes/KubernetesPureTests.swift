import Foundation
import PushgateCore
import PushgateProviders
import Testing

/// Kubeconfig reading, Job building and status mapping without sockets (docs/provider-apis.md §10).
@Suite("Kubernetes: kubeconfig, Job spec and status mapping")
struct KubernetesPureTests {
    static let secretToken = "tok-7f3a9c-super-secret"
    static func kubeconfig(user: String = "{\"token\": \"\(secretToken)\"}", extra: String = "") -> String {
        """
        {
          "apiVersion": "v1",
          "kind": "Config",
          "current-context": "dev",
          "clusters": [
            {"name": "dev-cluster", "cluster": {"server": "https://10.0.0.1:6443", "certificate-authority": "ca.pem"\(extra)}},
            {"name": "prod-cluster", "cluster": {"server": "https://k8s.example:443", "certificate-authority-data": "\(Data("PEM-CA".utf8).base64EncodedString())"}}
          ],
          "users": [
            {"name": "dev-user", "user": \(user)},
            {"name": "prod-user", "user": {"tokenFile": "/var/run/token"}}
          ],
          "contexts": [
            {"name": "dev", "context": {"cluster": "dev-cluster", "user": "dev-user", "namespace": "flows"}},
            {"name": "prod", "context": {"cluster": "prod-cluster", "user": "prod-user"}}
          ]
        }
        """
    }

    @Test func currentContextIsUsedAndRelativePathsResolveAgainstTheFile() throws {
        let cluster = try KubeconfigFile.parse(Self.kubeconfig(), path: "/etc/kube/config.json", context: nil)
        #expect(cluster.server == "https://10.0.0.1:6443")
        #expect(cluster.namespace == "flows")
        #expect(cluster.certificateAuthority == .file("/etc/kube/ca.pem"))
        #expect(cluster.token?.value == Self.secretToken)
        #expect(cluster.secretValues == [Self.secretToken])
    }

    @Test func aNamedContextPicksItsClusterAndUser() throws {
        let cluster = try KubeconfigFile.parse(Self.kubeconfig(), path: "/k.json", context: "prod")
        #expect(cluster.server == "https://k8s.example:443")
        #expect(cluster.certificateAuthority == .data(SecretValue("PEM-CA")))
        #expect(cluster.tokenFile == "/var/run/token")
        #expect(cluster.token == nil)
    }

    @Test func errorsNameFileAndLineAndNeverQuoteSecrets() throws {
        let unknown = #expect(throws: CredentialsError.self) { try KubeconfigFile.parse(Self.kubeconfig(), path: "/k.json", context: "nope") }
        #expect(unknown?.message.hasPrefix("/k.json:") == true)
        #expect(unknown?.message.contains("no entry named 'nope'") == true)
        let yaml = #expect(throws: CredentialsError.self) { try KubeconfigFile.parse("apiVersion: v1\n", path: "/k.yaml", context: nil) }
        #expect(yaml?.message.hasPrefix("/k.yaml:1: no current-context") == true)
        let syntax = #expect(throws: CredentialsError.self) {
            try KubeconfigFile.parse("{\n\"users\": [\n{\"token\": \"\(Self.secretToken)\"\n]}", path: "/k.json", context: nil)
        }
        #expect(syntax?.message.hasPrefix("/k.json:4:") == true)
        #expect(syntax?.message.contains(Self.secretToken) == false)
        let provider = #expect(throws: CredentialsError.self) {
            try KubeconfigFile.parse(Self.kubeconfig(user: "{\n\"auth-provider\": {\"name\": \"gcp\"}}"), path: "/k.json", context: nil)
        }
        #expect(provider?.message.contains("auth-provider credentials are not supported") == true)
        let line = try #require(provider?.message.split(separator: ":").dropFirst().first.flatMap { Int($0) })
        #expect(line > 1)
        let insecure = #expect(throws: CredentialsError.self) {
            try KubeconfigFile.parse(Self.kubeconfig(extra: ", \"insecure-skip-tls-verify\": true"), path: "/k.json", context: nil)
        }
        #expect(insecure?.message.contains("TLS is always verified") == true)
        let halfCert = #expect(throws: CredentialsError.self) {
            try KubeconfigFile.parse(Self.kubeconfig(user: "{\"client-certificate\": \"c.pem\"}"), path: "/k.json", context: nil)
        }
        #expect(halfCert?.message.contains("go together") == true)
    }

    /// `exec` users: command resolved like kubectl (relative with a `/` against the file's folder, bare names on
    /// PATH), args and env kept, the ExecCredential request in `KUBERNETES_EXEC_INFO`; bad shapes refused.
    @Test func execPluginsParseAndBadOnesAreRefused() throws {
        let user = """
            {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "./bin/get-token", "args": ["--cluster", "dev"],
              "env": [{"name": "AWS_PROFILE", "value": "ops"}], "provideClusterInfo": true, "interactiveMode": "Never"}}
            """
        let cluster = try KubeconfigFile.parse(Self.kubeconfig(user: user), path: "/etc/kube/config.json", context: nil)
        let plugin = try #require(cluster.exec)
        #expect(plugin.command == "/etc/kube/./bin/get-token")
        #expect(plugin.arguments == ["--cluster", "dev"])
        #expect(plugin.environment == ["AWS_PROFILE": "ops"])
        let info = try JSONValue.parse(plugin.execInfo)
        #expect(info["apiVersion"]?.stringValue == "client.authentication.k8s.io/v1beta1")
        #expect(info.member(at: "spec", "interactive")?.boolValue == false)
        #expect(info.member(at: "spec", "cluster", "server")?.stringValue == "https://10.0.0.1:6443")
        let connection = try KubernetesConnection.make(cluster, place: "c:1")
        #expect(connection.token == .exec(plugin))
        let bare = try KubeconfigFile.parse(
            Self.kubeconfig(user: #"{"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "aws", "args": null, "env": null}}"#),
            path: "/etc/kube/config.json",
            context: nil
        )
        #expect(bare.exec?.command == "aws")
        #expect(bare.exec?.execInfo.contains("cluster") == false)
        let refusals: [(String, String)] = [
            (#"{"exec": {"command": "aws"}}"#, "apiVersion must be one of"),
            (#"{"exec": {"apiVersion": "client.authentication.k8s.io/v1"}}"#, "command is required"),
            (#"{"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "a", "interactiveMode": "Always"}}"#, "needs a terminal"),
            (#"{"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "a", "args": "x"}}"#, "args must be a list"),
            (#"{"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "a", "env": [{"name": "A"}]}}"#, "name and a string value"),
            (#"{"token": "t", "exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "a"}}"#, "exclusive"),
        ]
        for (user, message) in refusals {
            let error = #expect(throws: CredentialsError.self) {
                try KubeconfigFile.parse(Self.kubeconfig(user: user), path: "/k.json", context: nil)
            }
            #expect(error?.message.contains(message) == true, "\(user)")
            #expect(error?.message.hasPrefix("/k.json:") == true)
        }
    }

    /// The ExecCredential a plugin prints: token and RFC 3339 expiry read; a wrong kind or version, no token
    /// or a certificate-only answer refused without quoting the output.
    @Test func execCredentialOutputIsCheckedAndNeverQuoted() throws {
        let plugin = KubernetesExecPlugin(command: "/bin/plugin")
        let ok = try plugin.credential(
            from:
                #"{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "sekrit-1", "expirationTimestamp": "2030-01-02T03:04:05Z"}}"#
        )
        #expect(ok.token.value == "sekrit-1")
        #expect(ok.expiresAt == Date(timeIntervalSince1970: 1_893_553_445))
        let fractional = try plugin.credential(
            from:
                #"{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "t", "expirationTimestamp": "2030-01-02T03:04:05.250Z"}}"#
        )
        #expect(fractional.expiresAt == Date(timeIntervalSince1970: 1_893_553_445.25))
        let forever = try plugin.credential(
            from: #"{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "t"}}"#
        )
        #expect(forever.expiresAt == .distantFuture)
        let bad: [(String, String)] = [
            ("sekrit-1 not json", "not an ExecCredential"),
            (#"{"apiVersion": "client.authentication.k8s.io/v1", "kind": "Secret", "status": {"token": "sekrit-1"}}"#, "kind is not ExecCredential"),
            (
                #"{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"token": "sekrit-1"}}"#,
                "answered apiVersion"
            ),
            (
                #"{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"clientCertificateData": "sekrit-1"}}"#,
                "not supported"
            ),
            (
                #"{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "sekrit-1", "expirationTimestamp": "soon"}}"#,
                "RFC 3339"
            ),
        ]
        for (output, message) in bad {
            let error = #expect(throws: CredentialsError.self) { try plugin.credential(from: output) }
            #expect(error?.message.contains(message) == true, "\(message)")
            #expect(error?.message.contains("sekrit-1") == false)
        }
    }

    @Test func inlinePEMsAreWrittenOwnerOnlyAndHTTPIsRefusedOffLoopback() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-kube-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = try KubeconfigFile.parse(Self.kubeconfig(), path: "/k.json", context: "prod")
        let connection = try KubernetesConnection.make(cluster, place: "creds:3", files: folder)
        let ca = try #require(connection.options?.caBundlePath)
        #expect(try String(contentsOfFile: ca, encoding: .utf8) == "PEM-CA")
        let mode = try FileManager.default.attributesOfItem(atPath: ca)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(connection.token == .file("/var/run/token"))
        var plain = cluster
        plain.server = "http://k8s.example"
        #expect(throws: CredentialsError.self) { try KubernetesConnection.make(plain, place: "creds:3", files: folder) }
        var anonymous = cluster
        anonymous.tokenFile = nil
        let none = #expect(throws: CredentialsError.self) { try KubernetesConnection.make(anonymous, place: "creds:3", files: folder) }
        #expect(none?.message.hasPrefix("creds:3:") == true)
    }

    @Test func inClusterReadsTheServiceEnvironment() throws {
        let cluster = try KubeconfigFile.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            directory: "/sa",
            place: "c:1"
        )
        #expect(cluster.server == "https://10.96.0.1:443")
        #expect(cluster.tokenFile == "/sa/token")
        #expect(cluster.certificateAuthority == .file("/sa/ca.crt"))
        #expect(throws: CredentialsError.self) { try KubeconfigFile.inCluster(environment: [:], directory: "/sa", place: "c:1") }
    }

    @Test func profileSectionsParseAndRefuseMixedSources() throws {
        let file = try CredentialsFile(
            parsing: "[kubernetes a]\nkubeconfig = /k.json\ncontext = prod\n\n[kubernetes b]\nsource = in_cluster\n",
            path: "creds",
            kinds: [.kubernetes]
        )
        #expect(try file.kubernetesProfile("a").source == .kubeconfig(path: "/k.json", context: "prod"))
        #expect(try file.kubernetesProfile("b").source == .inCluster(directory: KubernetesProfile.serviceAccountDirectory))
        let mixed = #expect(throws: CredentialsError.self) {
            try CredentialsFile(parsing: "[kubernetes a]\nsource = in_cluster\nkubeconfig = /k\n", path: "creds", kinds: [.kubernetes])
        }
        #expect(mixed?.message.hasPrefix("creds:2:") == true)
        #expect(throws: CredentialsError.self) { try CredentialsFile(parsing: "[kubernetes a]\n", path: "creds", kinds: [.kubernetes]) }
    }

    static func job(_ variables: JSONValue = [:], attempt: Int = 1) throws -> SubmissionJob {
        var merged: [String: JSONValue] = [
            "image": "busybox:1.36", "command": "python -m flow 'two words'", "env": ["DB_PASSWORD": "hunter2-secret"],
        ]
        merged.merge(variables.objectValue ?? [:]) { $1 }
        return try BearerProviderTestSupport.job(template: "kubernetes.json", variables: .object(merged), attempt: attempt)
    }

    @Test func theJobIsNamedByTheKeyAndCarriesTheRunIdentity() throws {
        let job = try Self.job()
        let spec = try KubernetesJobSpec.make(job, defaultNamespace: "flows").get()
        #expect(spec.name == KubernetesJobSpec.jobName(job.idempotencyKey))
        #expect(spec.namespace == "default")  // the template's namespace default wins over the context's
        let manifest = spec.manifest
        #expect(manifest.member(at: "metadata", "generateName") == nil)
        #expect(manifest.member(at: "metadata", "name")?.stringValue == spec.name)
        #expect(manifest.member(at: "metadata", "labels", KubernetesJobSpec.runLabel)?.stringValue == job.runID)
        #expect(manifest.member(at: "spec", "template", "metadata", "labels", KubernetesJobSpec.runLabel)?.stringValue == job.runID)
        #expect(manifest.member(at: "metadata", "annotations", "pushgate.io/idempotency-key")?.stringValue == job.idempotencyKey)
        let container = try #require(manifest.member(at: "spec", "template", "spec", "containers")?.arrayValue?.first)
        #expect(container["args"] == ["python", "-m", "flow", "two words"])
        let env = container["env"]?.arrayValue ?? []
        #expect(env.contains(["name": "DB_PASSWORD", "value": "hunter2-secret"]))
        #expect(env.allSatisfy { $0["name"] != nil && $0["value"] != nil })
        #expect(manifest.member(at: "spec", "ttlSecondsAfterFinished") == nil)
        #expect(spec.podWatchTimeout == 60)
    }

    @Test func aMissingImageOrABadNamespaceIsAProblemNamingItsField() throws {
        let job = BearerProviderTestSupport.setting("job_manifest", to: nil, in: try Self.job())
        #expect(throws: TemplateError.self) { try KubernetesJobSpec.make(job, defaultNamespace: "d").get() }
        let bad = try Self.job(["namespace": "Not_A_Label"])
        let problems = (try? KubernetesJobSpec.make(bad, defaultNamespace: "d").get()) == nil
        #expect(problems)
        #expect(KubernetesJobSpec.jobName("pg-ABC_1-2") == "pg-abc-1-2")
        #expect(KubernetesJobSpec.labelValue("etl/daily run") == "etl-daily-run")
    }

    static let start = Date(timeIntervalSince1970: 1_000)
    static func status(_ job: JSONValue, pods: [JSONValue] = [], cancel: Bool = false, after seconds: TimeInterval = 1) -> ProviderStatus {
        KubernetesStatusMapping.status(
            job: job,
            pods: pods,
            cancelRequested: cancel,
            submittedAt: start,
            now: start.addingTimeInterval(seconds),
            podWatchTimeout: 60
        )
    }
    static func pod(phase: String, state: JSONValue, conditions: JSONValue = []) -> JSONValue {
        ["metadata": ["name": "p-1"], "status": ["phase": .string(phase), "conditions": conditions, "containerStatuses": [["state": state]]]]
    }

    @Test func conditionsDecideTheEnd() {
        let complete: JSONValue = ["status": ["conditions": [["type": "Complete", "status": "True"]]]]
        #expect(Self.status(complete).state == .completed)
        let failed: JSONValue = [
            "status": [
                "conditions": [
                    ["type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"]
                ]
            ]
        ]
        let exited = Self.pod(phase: "Failed", state: ["terminated": ["exitCode": 3]])
        let status = Self.status(failed, pods: [exited])
        #expect(status.state == .failed)
        #expect(status.exitCode == 3)
        #expect(status.reason?.hasPrefix("BackoffLimitExceeded") == true)
        let deadline: JSONValue = ["status": ["conditions": [["type": "Failed", "status": "True", "reason": "DeadlineExceeded"]]]]
        #expect(Self.status(deadline).reason == "DeadlineExceeded")
        #expect(Self.status(failed, cancel: true).state == .cancelled)
        // A condition that is not True decides nothing.
        #expect(Self.status(["status": ["conditions": [["type": "Complete", "status": "False"]]]]).state == .pending)
    }

    @Test func podsShowStartsThatCannotHappen() {
        let job: JSONValue = ["status": ["active": 1]]
        for reason in ["ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError"] {
            let status = Self.status(job, pods: [Self.pod(phase: "Pending", state: ["waiting": ["reason": .string(reason), "message": "m"]])])
            #expect(status.state == .crashed)
            #expect(status.reason == "pod p-1: \(reason): m")
        }
        let creating = Self.pod(phase: "Pending", state: ["waiting": ["reason": "ContainerCreating"]])
        #expect(Self.status(job, pods: [creating]).state == .pending)
        let unschedulable = Self.pod(
            phase: "Pending",
            state: ["waiting": ["reason": "ContainerCreating"]],
            conditions: [["type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes are available"]]
        )
        #expect(Self.status(job, pods: [unschedulable], after: 30).state == .pending)
        let late = Self.status(job, pods: [unschedulable], after: 61)
        #expect(late.state == .crashed)
        #expect(late.reason?.contains("0/3 nodes are available") == true)
    }

    @Test func lagIsWaitedOutNotGuessed() {
        // A Job just created has no pod yet: pending, until the watch timeout.
        #expect(Self.status(["status": [:]]).state == .pending)
        #expect(Self.status(["status": [:]], after: 61).state == .crashed)
        // The pod ended but the condition is not written yet: keep the slot.
        let ended = Self.pod(phase: "Succeeded", state: ["terminated": ["exitCode": 0]])
        #expect(Self.status(["status": ["active": 1]], pods: [ended]).state == .running)
        let running = Self.pod(phase: "Running", state: ["running": [:]])
        #expect(Self.status(["status": ["active": 1]], pods: [running]).state == .running)
        // A cancelled Job being deleted in the foreground still holds its slot; gone means Cancelled.
        #expect(Self.status(["metadata": ["deletionTimestamp": "t"], "status": ["active": 1]], pods: [running], cancel: true).state == .running)
        #expect(KubernetesStatusMapping.missing(cancelRequested: true).state == .cancelled)
        #expect(KubernetesStatusMapping.missing(cancelRequested: false).state == .crashed)
    }

    @Test func requestsAreTheDocumentedCalls() throws {
        let connection = KubernetesConnection(
            baseURL: "https://k:6443",
            options: HTTPConnectionOptions(caBundlePath: "/ca"),
            token: .fixed(SecretValue(Self.secretToken)),
            defaultNamespace: "default",
            server: "https://k:6443"
        )
        let requests = KubernetesRequests(connection: connection)
        let spec = try KubernetesJobSpec.make(try Self.job(), defaultNamespace: "default").get()
        let create = requests.createJob(spec)
        #expect(create.method == "POST")
        #expect(create.url == "https://k:6443/apis/batch/v1/namespaces/default/jobs?fieldValidation=Strict")
        #expect(!create.isIdempotent)
        #expect(create.connection?.caBundlePath == "/ca")
        let list = requests.listJobs(namespace: "ns", runIDs: ["b", "a"])
        #expect(list.url == "https://k:6443/apis/batch/v1/namespaces/ns/jobs?labelSelector=pushgate.io%2Frun-id%20in%20%28a%2Cb%29")
        let delete = requests.deleteJob(namespace: "ns", name: "j", propagation: "Foreground")
        #expect(delete.method == "DELETE")
        #expect((try JSONValue.parse(delete.body))["propagationPolicy"] == "Foreground")
        #expect(requests.podLog(namespace: "ns", pod: "p", tailLines: 5).url == "https://k:6443/api/v1/namespaces/ns/pods/p/log?tailLines=5")
    }

    @Test func dryRunHidesTheTokenAndSecretEnv() async throws {
        let connection = KubernetesConnection(
            baseURL: "https://k:6443",
            options: nil,
            token: .fixed(SecretValue(Self.secretToken)),
            defaultNamespace: "default",
            server: "https://k:6443"
        )
        let provider = KubernetesProvider(connection: connection, http: RefusingHTTPClient(), clock: SystemClock())
        let requests = try await provider.dryRun(try Self.job())
        #expect(requests.count == 1)
        let shown = requests[0]
        #expect(shown.headers["Authorization"] == "Bearer <redacted>")
        let text = String(decoding: shown.body, as: UTF8.self)
        #expect(!text.contains("hunter2-secret"))
        #expect(!text.contains(Self.secretToken))
        #expect(text.contains("busybox:1.36"))
    }
}

/// Fails any call: dry-run and building send nothing.
struct RefusingHTTPClient: HTTPClient {
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        Issue.record("unexpected call \(request.method) \(request.url)")
        throw CancellationError()
    }
}
