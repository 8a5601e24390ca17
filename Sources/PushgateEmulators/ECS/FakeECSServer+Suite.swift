import Foundation
import PushgateCore

extension EmulatorRegistration {
    /// The ECS emulator with clusters `default` and `demo`; its tasks provision, start and stop on the
    /// suite's pacing.
    package static let ecs = EmulatorRegistration(
        deploymentVariables: [
            "cluster": "demo",
            "network_configuration": ["subnets": ["subnet-demo"], "securityGroups": ["sg-demo"], "assignPublicIp": "DISABLED"],
        ]
    ) { context in
        let (pending, running) = context.pacing.seconds
        let configuration = FakeECSConfiguration(
            clusters: ["default", "demo"],
            lifecycle: .timeline(provisioning: pending / 2, pending: pending / 2, running: running),
            faults: context.faults
        )
        return try FakeECSServer(configuration, port: context.port)
    }
}

extension FakeECSServer: RunningEmulator {
    package func credentialsSection(profile: String) -> String {
        """
        [aws \(profile)]
        access_key_id = \(configuration.accessKeyID)
        secret_access_key = \(configuration.secretAccessKey)
        region = \(configuration.region)
        endpoint_url = \(endpoint)

        """
    }

    package var workloads: Int { statistics.runTaskWorkloads }

    package var summary: String { endpoint }
}

extension EmulatorSuite {
    /// The suite's ECS emulator. - Precondition: the suite runs one.
    package var ecs: FakeECSServer { emulator(FakeECSServer.self)! }
}
