import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateStore
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// `pushgate serve` as a process submitting to a real `moto_server` with SigV4 checking on
    /// (docs/build-notes.md §4): every ECS run reaches Completed, no request refused for its signature.
    @Suite struct GatewayMotoTests {
        /// Skipped (and reported as skipped) only outside CI when moto is not installed; in CI it must run.
        @Test(.enabled(if: MotoServer.isAvailable || MotoServer.isRequired, "needs moto_server (pip install 'moto[server]')"))
        func ecsRunsAgainstMotoWithSignaturesChecked() async throws {
            let moto = try await MotoServer()
            defer { moto.stop() }
            let network = try moto.defaultECSNetwork()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-moto-e2e-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let credentialsPath = directory.appendingPathComponent("credentials").path
            try Data(moto.credentialsProfile().utf8).write(to: URL(fileURLWithPath: credentialsPath))
            try await withCurlHTTPClient { http in
                let file = try CredentialsFile.load(path: credentialsPath, kinds: ProviderRegistry.profileKinds)
                let provider = try ECSProvider.make(credentials: file, profile: "moto", http: http, clock: SystemClock(), environment: [:])
                _ = try await provider.call(.createCluster, ["clusterName": "pushgate"])
            }

            let databasePath = directory.appendingPathComponent("gateway.db").path
            let store = try await SQLiteStore.open(path: databasePath)
            let template = try String(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json"), encoding: .utf8)
            _ = try await store.createPool(
                WorkPoolSpec(name: "moto", type: "ecs:push", baseJobTemplate: template, credentialsProfile: "moto"),
                now: Date()
            )
            let variables: JSONValue = [
                "image": "python:3.12-slim", "cluster": "pushgate",
                "network_configuration": [
                    "subnets": .array(network.subnets.map(JSONValue.string)),
                    "securityGroups": .array(network.securityGroups.map(JSONValue.string)), "assignPublicIp": "ENABLED",
                ],
            ]
            _ = try await store.createDeployment(DeploymentSpec(name: "etl", poolName: "moto", jobVariables: variables.serialized()), now: Date())
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await store.createRun(FlowRunSpec(deploymentName: "etl"), now: Date()).run.id) }

            let binary = try #require(GatewayProcess.binary(), "build the pushgate executable first")
            let gateway = try GatewayProcess(
                binary: binary,
                arguments: [
                    "--db", databasePath, "serve", "--credentials", credentialsPath, "--listen", "127.0.0.1:0", "--poll-interval", "0.3",
                    "--claim-interval", "0.1", "--log-format", "json",
                ],
                logURL: directory.appendingPathComponent("serve.log")
            )
            defer { gateway.kill() }
            // moto starts tasks RUNNING and moves them one state per DescribeTasks: each run completes.
            var runs: [FlowRun] = []
            for _ in 0..<150 {
                runs = try await ids.asyncMap { try await store.run(id: $0) }
                if runs.allSatisfy(\.state.isTerminal) { break }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            #expect(runs.allSatisfy { $0.state == .completed }, "\(runs.map { "\($0.state) \($0.stateReason)" }) \(gateway.output.suffix(2_000))")
            #expect(runs.allSatisfy { $0.providerHandle?.contains(":task/pushgate/") == true })
            // No request was refused for its signature.
            #expect(!gateway.output.contains("SignatureDoesNotMatch"))
            #expect(!gateway.output.contains(moto.bootstrap.secretAccessKey))
            #expect(gateway.terminate() == 0)
            await store.close()
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
