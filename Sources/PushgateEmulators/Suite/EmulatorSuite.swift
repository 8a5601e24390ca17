import Foundation
import PushgateCore
import PushgateSigning

/// Loopback emulators of ECS, Cloud Run v2 and Azure Container Instances started together, with a
/// credentials file whose `emulator` profiles point at them: what `pushgate emulate` and `pushgate demo`
/// run, so a template can be tried end to end without a cloud account. The Google service-account key is
/// generated fresh each time; nothing secret is committed.
package final class EmulatorSuite: Sendable {
    package struct Options: Sendable {
        /// Where the credentials file and the service-account key are written.
        package var directory: URL
        package var pacing: WorkloadPacing = .timed(pending: 1, running: 2)
        package var faults: FaultConfiguration = .none
        /// Fixed ports (0 = any free port), in the order ECS, Cloud Run, ACI.
        package var ports: [UInt16] = [0, 0, 0]
        package init(directory: URL) { self.directory = directory }
    }

    /// The profile name used for every provider in the generated credentials file.
    package static let profile = "emulator"
    package static let project = "pushgate-demo"
    package static let subscription = "00000000-0000-4000-8000-000000000001"
    package static let resourceGroup = "pushgate-demo"

    package let ecs: FakeECSServer
    package let cloudRun: CloudRunEmulator
    package let containerInstances: ContainerInstancesEmulator
    package let credentialsPath: String

    private init(ecs: FakeECSServer, cloudRun: CloudRunEmulator, containerInstances: ContainerInstancesEmulator, credentialsPath: String) {
        self.ecs = ecs
        self.cloudRun = cloudRun
        self.containerInstances = containerInstances
        self.credentialsPath = credentialsPath
    }

    package static func start(_ options: Options) throws -> EmulatorSuite {
        try FileManager.default.createDirectory(at: options.directory, withIntermediateDirectories: true)
        let pem = try RSAPrivateKey.generatePEM()
        let email = "pushgate-demo@\(project).iam.gserviceaccount.com"
        let ecsConfiguration = FakeECSConfiguration(
            clusters: ["default", "demo"], lifecycle: .timeline(provisioning: timed(options.pacing).pending / 2,
                pending: timed(options.pacing).pending / 2, running: timed(options.pacing).running),
            faults: options.faults)
        let ecs = try FakeECSServer(ecsConfiguration, port: options.ports[0])
        var cloudRunServer = LoopbackHTTPServerConfiguration()
        cloudRunServer.port = options.ports[1]
        let cloudRun = try CloudRunEmulator.start(configuration: CloudRunEmulatorConfiguration(
            serviceAccounts: [email: pem], projects: [project], pacing: options.pacing, faults: options.faults, server: cloudRunServer))
        let tenant = "11111111-2222-4333-8444-555555555555"
        let clientID = "66666666-7777-4888-8999-000000000000"
        let secret = "emulator-client-secret-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var aciServer = LoopbackHTTPServerConfiguration()
        aciServer.port = options.ports[2]
        let aci = try ContainerInstancesEmulator.start(configuration: ContainerInstancesEmulatorConfiguration(
            applications: [.init(tenantID: tenant, clientID: clientID, clientSecret: secret)],
            resourceGroups: [subscription: [resourceGroup: "westeurope"]], pacing: options.pacing, faults: options.faults, server: aciServer))

        let keyFile = options.directory.appendingPathComponent("emulator-gcp-sa.json")
        let key: JSONValue = [
            "type": "service_account", "project_id": .string(project), "private_key_id": "emulator-key-1",
            "private_key": .string(pem), "client_email": .string(email), "token_uri": .string(cloudRun.tokenURI),
        ]
        try write(key.serialized(pretty: true), to: keyFile)
        let credentials = """
            # Written by pushgate for its loopback emulators; every profile is called "\(profile)".
            [aws \(profile)]
            access_key_id = \(ecsConfiguration.accessKeyID)
            secret_access_key = \(ecsConfiguration.secretAccessKey)
            region = \(ecsConfiguration.region)
            endpoint_url = \(ecs.endpoint)

            [gcp \(profile)]
            key_file = \(keyFile.path)
            project = \(project)
            token_uri = \(cloudRun.tokenURI)
            run_endpoint = \(cloudRun.baseURL)

            [azure \(profile)]
            tenant_id = \(tenant)
            client_id = \(clientID)
            client_secret = \(secret)
            subscription_id = \(subscription)
            authority = \(aci.baseURL)
            management_endpoint = \(aci.baseURL)

            """
        let credentialsURL = options.directory.appendingPathComponent("emulator-credentials")
        try write(credentials, to: credentialsURL)
        return EmulatorSuite(ecs: ecs, cloudRun: cloudRun, containerInstances: aci, credentialsPath: credentialsURL.path)
    }

    private static func timed(_ pacing: WorkloadPacing) -> (pending: TimeInterval, running: TimeInterval) {
        switch pacing {
        case .timed(let pending, let running): return (pending, running)
        case .perPoll: return (1, 2)
        }
    }

    /// Writes a file readable by its owner only (it holds the emulators' credentials).
    private static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)  // readers never see half a file
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    package func stop() {
        ecs.stop()
        cloudRun.stop()
        containerInstances.stop()
    }

    /// Workloads created per provider: what crash and load tests count.
    package var workloads: [ProviderKind: Int] {
        [.ecs: ecs.statistics.runTaskWorkloads, .cloudRunV2: cloudRun.statistics.workloads, .azureContainerInstance: containerInstances.statistics.workloads]
    }

    /// Extra job variables a deployment needs on these emulators (network, region, resource group).
    package static func deploymentVariables(for kind: ProviderKind) -> JSONValue {
        switch kind {
        case .ecs:
            return ["cluster": "demo", "network_configuration": ["subnets": ["subnet-demo"], "securityGroups": ["sg-demo"], "assignPublicIp": "DISABLED"]]
        case .cloudRunV2:
            return ["region": "us-central1"]
        case .azureContainerInstance:
            return ["resource_group_name": .string(resourceGroup), "subscription_id": .string(subscription)]
        case .modal:
            return [:]
        }
    }
}
