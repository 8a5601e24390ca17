import Foundation
import PushgateCore
import PushgateHTTPServer

extension EmulatorRegistration {
    /// The Kubernetes fake with a generated token, reached through a JSON kubeconfig written beside the
    /// credentials file; Jobs pend and run for the suite's pacing.
    package static let kubernetes = EmulatorRegistration(deploymentVariables: ["image": "busybox:1.36"]) { context in
        try KubernetesSuiteEmulator.start(context)
    }
}

/// The Kubernetes fake as a suite runs it, with the kubeconfig its profile names.
package final class KubernetesSuiteEmulator: RunningEmulator {
    package let emulator: KubernetesEmulator
    package let kubeconfig: String

    init(emulator: KubernetesEmulator, kubeconfig: String) {
        self.emulator = emulator
        self.kubeconfig = kubeconfig
    }

    fileprivate static func start(_ context: EmulatorRegistration.Context) throws -> KubernetesSuiteEmulator {
        var server = HTTPServerConfiguration()
        server.port = context.port
        let seconds = context.pacing.seconds
        let emulator = try KubernetesEmulator.start(
            configuration: KubernetesEmulatorConfiguration(
                token: "emulator-" + UUID().uuidString.lowercased(),
                pending: seconds.pending,
                running: seconds.running,
                server: server
            )
        )
        let file = context.directory.appendingPathComponent("emulator-kubeconfig.json")
        do {
            try EmulatorSuite.writePrivate(kubeconfigText(server: emulator.baseURL, token: emulator.configuration.token), to: file)
        } catch {
            emulator.stop()
            throw error
        }
        return KubernetesSuiteEmulator(emulator: emulator, kubeconfig: file.path)
    }

    /// A one-context JSON kubeconfig for `server` with a static token.
    package static func kubeconfigText(server: String, token: String, namespace: String = "default") -> String {
        let config: JSONValue = [
            "apiVersion": "v1", "kind": "Config", "current-context": "emulator",
            "clusters": [["name": "emulator", "cluster": ["server": .string(server)]]],
            "users": [["name": "emulator", "user": ["token": .string(token)]]],
            "contexts": [["name": "emulator", "context": ["cluster": "emulator", "user": "emulator", "namespace": .string(namespace)]]],
        ]
        return config.serialized(pretty: true)
    }

    package func credentialsSection(profile: String) -> String {
        """
        [kubernetes \(profile)]
        kubeconfig = \(kubeconfig)

        """
    }

    package var workloads: Int { emulator.jobsCreated }
    package var summary: String { "\(emulator.baseURL)  (kube-apiserver fake, kubeconfig \(kubeconfig))" }
    package func stop() { emulator.stop() }
}

extension EmulatorSuite {
    /// The suite's Kubernetes fake. - Precondition: the suite runs one.
    package var kubernetes: KubernetesEmulator { emulator(KubernetesSuiteEmulator.self)!.emulator }
}
