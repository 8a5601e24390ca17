import Foundation
import PushgateCore

/// Loopback emulators of the registered provider types started together, with a credentials file whose
/// `emulator` profiles point at them: what `pushgate emulate` and `pushgate demo` run, so a template can
/// be tried end to end without a cloud account. Secrets (keys, client secrets) are generated fresh each
/// time; nothing secret is committed.
package final class EmulatorSuite: Sendable {
    package struct Options: Sendable {
        /// Where the credentials file and any key files are written.
        package var directory: URL
        package var pacing: WorkloadPacing = .timed(pending: 1, running: 2)
        package var faults: FaultConfiguration = .none
        /// Fixed ports in the order the emulators are given (missing or 0 = any free port).
        package var ports: [UInt16] = []
        /// Status reads per workload that answer "not found" while it runs on, after its first normal read
        /// (the stale shape of docs/provider-apis.md §4.3; Cloud Run's `executions.get` from its first read,
        /// §3.3); 0: none. Emulators without the shape ignore it.
        package var staleNotFoundReads = 0
        package init(directory: URL) { self.directory = directory }
    }

    /// The profile name the generated credentials file uses, unless an emulator names another.
    package static let profile = "emulator"

    package let emulators: [(kind: ProviderKind, emulator: any RunningEmulator)]
    package let credentialsPath: String
    private let variables: [ProviderKind: JSONValue]
    private let profiles: [ProviderKind: String]

    private init(
        emulators: [(kind: ProviderKind, emulator: any RunningEmulator)],
        credentialsPath: String,
        variables: [ProviderKind: JSONValue],
        profiles: [ProviderKind: String]
    ) {
        self.emulators = emulators
        self.credentialsPath = credentialsPath
        self.variables = variables
        self.profiles = profiles
    }

    /// The credentials profile a pool of `kind` names to reach this suite's emulator.
    package func profile(for kind: ProviderKind) -> String {
        profiles[kind] ?? Self.profile
    }

    /// Starts `registrations` in order; one that fails to start stops those already running.
    package static func start(
        _ options: Options,
        _ registrations: [(kind: ProviderKind, emulator: EmulatorRegistration)]
    ) throws
        -> EmulatorSuite
    {
        try FileManager.default.createDirectory(at: options.directory, withIntermediateDirectories: true)
        var started: [(kind: ProviderKind, emulator: any RunningEmulator)] = []
        do {
            for (index, registration) in registrations.enumerated() {
                let context = EmulatorRegistration.Context(
                    directory: options.directory,
                    pacing: options.pacing,
                    faults: options.faults,
                    staleNotFoundReads: options.staleNotFoundReads,
                    port: index < options.ports.count ? options.ports[index] : 0
                )
                started.append((registration.kind, try registration.emulator.start(context)))
            }
            let profiles = Dictionary(registrations.map { ($0.kind, $0.emulator.profile) }, uniquingKeysWith: { first, _ in first })
            let sections = started.map { $0.emulator.credentialsSection(profile: profiles[$0.kind] ?? profile) }
            let credentials =
                "# Written by pushgate for its loopback emulators; the profiles are called \"\(profile)\" unless named otherwise.\n"
                + sections.joined(separator: "\n") + "\n"
            let credentialsURL = options.directory.appendingPathComponent("emulator-credentials")
            try writePrivate(credentials, to: credentialsURL)
            let variables = Dictionary(registrations.map { ($0.kind, $0.emulator.deploymentVariables) }, uniquingKeysWith: { first, _ in first })
            return EmulatorSuite(emulators: started, credentialsPath: credentialsURL.path, variables: variables, profiles: profiles)
        } catch {
            for entry in started { entry.emulator.stop() }
            throw error
        }
    }

    /// Writes a file readable by its owner only (it holds the emulators' credentials).
    package static func writePrivate(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)  // readers never see half a file
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    package func stop() {
        for entry in emulators { entry.emulator.stop() }
    }

    /// The first emulator of type `E` (typed access for tests and statistics).
    package func emulator<E: RunningEmulator>(_ type: E.Type) -> E? {
        emulators.lazy.compactMap { $0.emulator as? E }.first
    }

    /// Workloads created per provider: what crash and load tests count.
    package var workloads: [ProviderKind: Int] {
        Dictionary(emulators.map { ($0.kind, $0.emulator.workloads) }, uniquingKeysWith: +)
    }

    /// Extra job variables a deployment of `kind` needs on these emulators; none for a kind without one.
    package func deploymentVariables(for kind: ProviderKind) -> JSONValue {
        variables[kind] ?? [:]
    }
}
