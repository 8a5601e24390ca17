import Foundation

/// Where the official Python Kubernetes client lives for the tests: `.venv-kubernetes/` at the repository
/// root, made by scripts/install-deps.sh (or `PUSHGATE_KUBERNETES_VENV`).
package enum KubernetesPythonClient {
    package static var python: String {
        if let venv = ProcessInfo.processInfo.environment["PUSHGATE_KUBERNETES_VENV"] { return venv + "/bin/python" }
        return Fixtures.repositoryRoot().appendingPathComponent(".venv-kubernetes/bin/python").path
    }

    package static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: python) }

    /// True in CI (`CI=true`), where a missing client fails the tests instead of skipping them.
    package static var isRequired: Bool { MotoServer.isRequired }
}
