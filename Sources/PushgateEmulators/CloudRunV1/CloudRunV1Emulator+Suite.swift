import Foundation
import PushgateCore
import PushgateHTTPServer

extension EmulatorRegistration {
    /// The Cloud Run V1 emulator with project `pushgate-demo` and a service account whose key is generated
    /// now and written beside the credentials file. Its section is `[gcp emulator-v1]`, beside Cloud Run
    /// v2's `[gcp emulator]` (docs/provider-apis.md §8.7).
    package static let cloudRunV1 = cloudRunV1(tuned: { _ in })

    /// The same emulator with `tune` applied to its configuration (answer shapes, stale reads).
    package static func cloudRunV1(
        tuned tune: @escaping @Sendable (inout CloudRunV1EmulatorConfiguration) -> Void = { _ in }
    ) -> EmulatorRegistration {
        EmulatorRegistration(deploymentVariables: ["region": "us-central1"], profile: "emulator-v1") { context in
            let account = try GoogleEmulatorServiceAccount(project: CloudRunSuiteEmulator.project)
            var server = HTTPServerConfiguration()
            server.port = context.port
            var configuration = CloudRunV1EmulatorConfiguration(
                serviceAccounts: account.serviceAccounts,
                projects: [account.project],
                pacing: context.pacing,
                server: server
            )
            configuration.executionNotFoundReads = context.staleNotFoundReads
            tune(&configuration)
            let emulator = try CloudRunV1Emulator.start(configuration: configuration)
            let keyFile = try account.writeKeyFile("emulator-gcp-v1-sa.json", in: context.directory, tokenURI: emulator.tokenURI) {
                emulator.stop()
            }
            return CloudRunV1SuiteEmulator(emulator: emulator, keyFile: keyFile)
        }
    }
}

/// The Cloud Run V1 emulator as a suite runs it, with the service-account key file its profile names.
package final class CloudRunV1SuiteEmulator: RunningEmulator {
    package let emulator: CloudRunV1Emulator
    package let keyFile: String

    init(emulator: CloudRunV1Emulator, keyFile: String) {
        self.emulator = emulator
        self.keyFile = keyFile
    }

    package func credentialsSection(profile: String) -> String {
        """
        [gcp \(profile)]
        key_file = \(keyFile)
        project = \(CloudRunSuiteEmulator.project)
        token_uri = \(emulator.tokenURI)
        run_endpoint = \(emulator.baseURL)

        """
    }

    package var workloads: Int { emulator.counts.executionsStarted }
    package var summary: String { "\(emulator.baseURL)  (Cloud Run V1, project \(CloudRunSuiteEmulator.project))" }
    package func stop() { emulator.stop() }
}
