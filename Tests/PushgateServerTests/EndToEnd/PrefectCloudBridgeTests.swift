import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// `pushgate serve --prefect-api` serving three pools of a real Prefect server, created with Prefect's
    /// SDK: Cloud Run and ACI on the emulators, ECS on moto. Prefect shows each run Pending with the
    /// provider handle as its `infrastructure_pid`, an infrastructure failure Crashed with the provider's
    /// message, and a cancel from the `prefect` CLI stops the workload at the provider and ends Cancelled.
    /// The server requires basic auth; the bridge's auth string reaches ACI only as a `secureValue`.
    @Suite(.serialized, .enabled(if: (PrefectServer.isAvailable && MotoServer.isAvailable) || PrefectServer.isRequired))
    struct PrefectCloudBridgeTests {
        @Test(.timeLimit(.minutes(8))) func cloudPoolsArePendingCrashedAndCancelledAsPrefectsWorkersReportThem() async throws {
            let authString = "pushgate:pw-\(UUID().uuidString)"
            let prefect = try await PrefectServer(authString: authString)
            defer { prefect.stop() }
            let moto = try await MotoServer()
            defer { moto.stop() }
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.3, running: 600))
            defer { Task { await h.close() } }
            let credentials = try String(contentsOfFile: h.suite.credentialsPath, encoding: .utf8)
            try Data((credentials + "\n" + moto.credentialsProfile()).utf8).write(to: URL(fileURLWithPath: h.suite.credentialsPath))
            try await withCurlHTTPClient { http in
                let file = try CredentialsFile.load(path: h.suite.credentialsPath, kinds: ProviderRegistry.profileKinds)
                let ecs = try ECSProvider.make(credentials: file, profile: "moto", http: http, clock: SystemClock(), environment: [:])
                _ = try await ecs.call(.createCluster, ["clusterName": "pushgate"])
            }

            func variables(_ kind: ProviderKind, _ extra: JSONValue) -> JSONValue {
                var members = h.suite.deploymentVariables(for: kind).objectValue ?? [:]
                members.merge(extra.objectValue ?? [:]) { _, new in new }
                return .object(members)
            }
            let pools = [
                PrefectPoolSetup.Pool(
                    prefectPool: "gcp",
                    prefectType: "cloud-run-v2",
                    kind: .cloudRunV2,
                    profile: h.suite.profile(for: .cloudRunV2),
                    deployments: [
                        .init(name: "gcp-long", variables: variables(.cloudRunV2, ["image": "us-docker.pkg.dev/p/r/long:1"])),
                        .init(name: "gcp-missing", variables: variables(.cloudRunV2, ["image": "us-docker.pkg.dev/p/r/missing:1"])),
                    ]
                ),
                PrefectPoolSetup.Pool(
                    prefectPool: "azure",
                    prefectType: "azure-container-instance",
                    kind: .azureContainerInstance,
                    profile: h.suite.profile(for: .azureContainerInstance),
                    deployments: [
                        .init(name: "azure-long", variables: variables(.azureContainerInstance, ["image": "docker.io/library/python:3.12"]))
                    ]
                ),
                PrefectPoolSetup.Pool(
                    prefectPool: "aws",
                    prefectType: "ecs",
                    kind: .ecs,
                    profile: "moto",
                    deployments: [
                        .init(name: "aws-task", variables: ["image": "python:3.12-slim", "cluster": "pushgate"]),
                        .init(name: "aws-nocluster", variables: ["image": "python:3.12-slim", "cluster": "nowhere"]),
                    ]
                ),
            ]
            let runIDs = try await PrefectPoolSetup.create(pools, on: prefect).compactMapValues(\.first)
            #expect(runIDs.count == 5, "\(runIDs)")

            let mappings = pools.flatMap { ["--prefect-pool", $0.mapping] }
            try h.startGateway(extra: ["--prefect-api", prefect.apiURL] + mappings, environment: ["PREFECT_API_AUTH_STRING": authString])

            // Pending with the provider handle recorded, as a worker reports a submitted run.
            for name in ["gcp-long", "azure-long", "aws-task"] {
                let run = try await PrefectPoolSetup.wait(for: try #require(runIDs[name]), prefect) { $0["infrastructure_pid"]?.stringValue != nil }
                #expect(run["state"]?["type"]?.stringValue == "PENDING", "\(name): \(run) \(h.allLogs.suffix(2000))")
                let mirror = try await Self.mirror(of: try #require(runIDs[name]), h)
                #expect(mirror?.providerHandle != nil && run["infrastructure_pid"]?.stringValue == mirror?.providerHandle, "\(name)")
            }
            // An infrastructure failure is Crashed with the provider's words.
            for (name, words) in [("gcp-missing", "missing"), ("aws-nocluster", "ClusterNotFoundException")] {
                let id = try #require(runIDs[name])
                let run = try await PrefectPoolSetup.wait(for: id, prefect) { $0["state"]?["type"]?.stringValue == "CRASHED" }
                #expect(run["state"]?["type"]?.stringValue == "CRASHED", "\(name): \(run) \(h.allLogs.suffix(2000))")
                let message = run["state"]?["message"]?.stringValue ?? ""
                let reason = try await Self.mirror(of: id, h)?.stateReason
                #expect(message.contains(words) && message == reason, "\(name): \(message)")
            }
            // The bridge's auth string went to ACI as a secure value (read before the cancel deletes the group).
            let aci = try #require(h.suite.emulator(ContainerInstancesEmulator.self))
            let azureMirror = try await Self.mirror(of: try #require(runIDs["azure-long"]), h)
            let group = try #require(azureMirror?.providerHandle?.split(separator: ":").last)
            let environment =
                aci.groupBody(name: String(group))?.member(at: "properties", "containers")?.arrayValue?.first?
                .member(at: "properties", "environmentVariables")?.arrayValue ?? []
            let auth = environment.first { $0["name"]?.stringValue == "PREFECT_API_AUTH_STRING" }
            #expect(auth?["secureValue"]?.stringValue == authString && auth?["value"] == nil, "\(environment)")
            // A cancel from Prefect's CLI stops the workload at the provider, then the run is Cancelled.
            for name in ["gcp-long", "azure-long"] {
                try await prefect.cli(["flow-run", "cancel", try #require(runIDs[name])])
            }
            for name in ["gcp-long", "azure-long"] {
                let run = try await PrefectPoolSetup.wait(for: try #require(runIDs[name]), prefect) {
                    $0["state"]?["type"]?.stringValue == "CANCELLED"
                }
                #expect(run["state"]?["type"]?.stringValue == "CANCELLED", "\(name): \(run) \(h.allLogs.suffix(2000))")
            }
            let cloudRun = try #require(h.suite.emulator(CloudRunSuiteEmulator.self)).emulator
            #expect(cloudRun.statistics.cancels == 1)
            #expect(aci.statistics.stops + aci.statistics.deletes >= 1)

            // ...and nowhere into the logs or the store.
            #expect(!h.allLogs.contains(authString))
            for suffix in ["", "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: h.databasePath + suffix))) ?? Data()
                #expect(bytes.range(of: Data(authString.utf8)) == nil, "gateway.db\(suffix) holds the auth string")
            }
        }

        /// The pushgate run mirroring Prefect run `id` (its creation key).
        static func mirror(of id: String, _ h: EndToEndHarness) async throws -> FlowRun? {
            try await h.store.runs(FlowRunFilter(limit: 1000)).first { $0.idempotencyKey == id }
        }
    }
}
