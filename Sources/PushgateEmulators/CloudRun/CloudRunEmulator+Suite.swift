import Foundation
import PushgateCore
import PushgateHTTPServer

extension EmulatorRegistration {
    /// The Cloud Run v2 emulator with project `pushgate-demo` and a service account whose key is
    /// generated now and written beside the credentials file.
    package static let cloudRunV2 = cloudRunV2(tuned: { _ in })

    /// The same emulator with `tune` applied to its configuration: tests choose the answer shapes
    /// (execution names, operation timing, stale reads) the real API allows.
    package static func cloudRunV2(
        tuned tune: @escaping @Sendable (inout CloudRunEmulatorConfiguration) -> Void
    ) -> EmulatorRegistration {
        EmulatorRegistration(deploymentVariables: ["region": "us-central1"]) { context in
            try CloudRunSuiteEmulator.start(context, tune: tune)
        }
    }
}

extension CloudRunSuiteEmulator {
    fileprivate static func start(
        _ context: EmulatorRegistration.Context,
        tune: (inout CloudRunEmulatorConfiguration) -> Void
    ) throws -> CloudRunSuiteEmulator {
        let account = try GoogleEmulatorServiceAccount(project: project)
        var server = HTTPServerConfiguration()
        server.port = context.port
        var configuration = CloudRunEmulatorConfiguration(
            serviceAccounts: account.serviceAccounts,
            projects: [project],
            pacing: context.pacing,
            faults: context.faults,
            server: server,
            executionNotFoundReads: context.staleNotFoundReads
        )
        tune(&configuration)
        let emulator = try CloudRunEmulator.start(configuration: configuration)
        let keyFile = try account.writeKeyFile("emulator-gcp-sa.json", in: context.directory, tokenURI: emulator.tokenURI) { emulator.stop() }
        return CloudRunSuiteEmulator(emulator: emulator, keyFile: keyFile)
    }
}

/// The Cloud Run emulator as a suite runs it, with the service-account key file its profile names.
package final class CloudRunSuiteEmulator: RunningEmulator {
    package static let project = "pushgate-demo"
    package let emulator: CloudRunEmulator
    package let keyFile: String

    init(emulator: CloudRunEmulator, keyFile: String) {
        self.emulator = emulator
        self.keyFile = keyFile
    }

    package func credentialsSection(profile: String) -> String {
        """
        [gcp \(profile)]
        key_file = \(keyFile)
        project = \(Self.project)
        token_uri = \(emulator.tokenURI)
        run_endpoint = \(emulator.baseURL)

        """
    }

    package var workloads: Int { emulator.statistics.workloads }
    package var summary: String { "\(emulator.baseURL)  (project \(Self.project), token \(emulator.tokenURI))" }
    package func stop() { emulator.stop() }
}

extension EmulatorSuite {
    /// The suite's Cloud Run emulator. - Precondition: the suite runs one.
    package var cloudRun: CloudRunEmulator { emulator(CloudRunSuiteEmulator.self)!.emulator }
}
