import Foundation
import PushgateCore
import PushgateHTTPServer

extension EmulatorRegistration {
    /// The ACI emulator with one Entra application (its secret generated now), one subscription and
    /// resource group; the emulator is its own authority and management endpoint.
    package static let azureContainerInstance = EmulatorRegistration(
        deploymentVariables: [
            "resource_group_name": .string(ContainerInstancesEmulator.resourceGroup),
            "subscription_id": .string(ContainerInstancesEmulator.subscription),
        ]
    ) { context in
        let application = EntraTokenEndpoint.Application(
            tenantID: "11111111-2222-4333-8444-555555555555",
            clientID: "66666666-7777-4888-8999-000000000000",
            clientSecret: "emulator-client-secret-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        )
        var server = HTTPServerConfiguration()
        server.port = context.port
        return try ContainerInstancesEmulator.start(
            configuration: ContainerInstancesEmulatorConfiguration(
                applications: [application],
                resourceGroups: [ContainerInstancesEmulator.subscription: [ContainerInstancesEmulator.resourceGroup: "westeurope"]],
                pacing: context.pacing,
                faults: context.faults,
                server: server,
                notFoundWindow: context.staleNotFoundReads > 0 ? .init(after: 1, reads: context.staleNotFoundReads) : nil
            )
        )
    }
}

extension ContainerInstancesEmulator: RunningEmulator {
    package static let subscription = "00000000-0000-4000-8000-000000000001"
    package static let resourceGroup = "pushgate-demo"

    package func credentialsSection(profile: String) -> String {
        let application = configuration.applications[0]
        return """
            [azure \(profile)]
            tenant_id = \(application.tenantID)
            client_id = \(application.clientID)
            client_secret = \(application.clientSecret)
            subscription_id = \(Self.subscription)
            authority = \(baseURL)
            management_endpoint = \(baseURL)

            """
    }

    package var workloads: Int { statistics.workloads }

    package var summary: String { "\(baseURL)  (subscription \(Self.subscription), resource group \(Self.resourceGroup))" }
}

extension EmulatorSuite {
    /// The suite's ACI emulator. - Precondition: the suite runs one.
    package var containerInstances: ContainerInstancesEmulator { emulator(ContainerInstancesEmulator.self)! }
}
