import Foundation
import PushgateCore
import PushgateHTTPServer

extension EmulatorRegistration {
    /// The Vertex AI emulator with project `pushgate-demo` (number ``VertexSuiteEmulator/projectNumber``)
    /// and a service account whose key is generated now and written beside the credentials file. Its
    /// section is `[gcp emulator-vertex]`, beside Cloud Run's `[gcp emulator]` and `[gcp emulator-v1]`
    /// (docs/provider-apis.md §9.6).
    package static let vertexAI = vertexAI(tuned: { _ in })

    /// The same emulator with `tune` applied to its configuration (answer shapes).
    package static func vertexAI(
        tuned tune: @escaping @Sendable (inout VertexEmulatorConfiguration) -> Void = { _ in }
    ) -> EmulatorRegistration {
        EmulatorRegistration(
            // Prefect's vertex-ai template requires region and image and defaults neither.
            deploymentVariables: ["region": "us-central1", "image": "us-docker.pkg.dev/pushgate-demo/flows/train:1"],
            profile: "emulator-vertex"
        ) { context in
            let project = CloudRunSuiteEmulator.project
            let account = try GoogleEmulatorServiceAccount(project: project)
            var server = HTTPServerConfiguration()
            server.port = context.port
            var configuration = VertexEmulatorConfiguration(
                serviceAccounts: account.serviceAccounts,
                projects: [project: VertexSuiteEmulator.projectNumber],
                pacing: context.pacing,
                server: server
            )
            tune(&configuration)
            let emulator = try VertexEmulator.start(configuration: configuration)
            let keyFile = try account.writeKeyFile("emulator-gcp-vertex-sa.json", in: context.directory, tokenURI: emulator.tokenURI) {
                emulator.stop()
            }
            return VertexSuiteEmulator(emulator: emulator, keyFile: keyFile)
        }
    }
}

/// The Vertex AI emulator as a suite runs it, with the service-account key file its profile names.
package final class VertexSuiteEmulator: RunningEmulator {
    /// The number of project `pushgate-demo`, which job names carry (docs/provider-apis.md §9.6).
    package static let projectNumber = "861337204950"
    package let emulator: VertexEmulator
    package let keyFile: String

    init(emulator: VertexEmulator, keyFile: String) {
        self.emulator = emulator
        self.keyFile = keyFile
    }

    package func credentialsSection(profile: String) -> String {
        """
        [gcp \(profile)]
        key_file = \(keyFile)
        project = \(CloudRunSuiteEmulator.project)
        token_uri = \(emulator.tokenURI)
        aiplatform_endpoint = \(emulator.baseURL)

        """
    }

    package var workloads: Int { emulator.statistics.jobsCreated }
    package var summary: String { "\(emulator.baseURL)  (Vertex AI, project \(CloudRunSuiteEmulator.project))" }
    package func stop() { emulator.stop() }
}
