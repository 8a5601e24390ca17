import Foundation
import PushgateCore
import PushgateEmulators
import PushgateProviders
import PushgateRegistry
import PushgateTestSupport
import Testing

/// The registry is the one list of provider types: every entry must be complete (template shipped and
/// valid for its type, emulator profile that builds its provider), and lookups accept what users type.
@Suite("ProviderRegistry: each registered type is complete")
struct ProviderRegistryTests {
    static let kinds = ProviderRegistry.catalog.kinds
    /// Building a provider sends nothing: any call fails the test.
    static let refusing = RecordingHTTPClient { request in
        Issue.record("unexpected call \(request.method) \(request.url)")
        throw CancellationError()
    }

    @Test(arguments: kinds)
    func shippedTemplateValidatesForItsType(_ kind: ProviderKind) throws {
        let entry = try #require(ProviderRegistry.entries.first { $0.provider.kind == kind })
        let type = entry.provider.type
        let url = Fixtures.repositoryRoot().appendingPathComponent("templates/\(kind.defaultTemplateFileName)")
        let template = try BaseJobTemplate(data: try Data(contentsOf: url), file: kind.defaultTemplateFileName)
        #expect(template.problems(for: type).isEmpty)
        // The defaults plus what a deployment supplies on the emulator satisfy the schema.
        let deployment = entry.emulator?.deploymentVariables ?? [:]
        #expect(template.validateJobVariables(deployment: .init(deployment, name: "d"), run: .init(nil, name: "r"), requireAll: true).isEmpty)
    }

    @Test func everyShippedTemplateBelongsToARegisteredType() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.repositoryRoot().appendingPathComponent("templates").path)
        #expect(Set(files.filter { $0.hasSuffix(".json") }) == Set(Self.kinds.map(\.defaultTemplateFileName)))
    }

    @Test func everyProfileKindATypeNamesIsParsedOnce() throws {
        let names = ProviderRegistry.profileKinds.map(\.name)
        #expect(Set(names).count == names.count)
        let needed = Set(ProviderRegistry.catalog.types.map(\.credentialsProfileKind).filter { !$0.isEmpty })
        #expect(Set(names) == needed)
        // credentials.example holds a profile of every kind, and the registry's kinds read all of it.
        let example = Fixtures.repositoryRoot().appendingPathComponent("credentials.example").path
        let file = try CredentialsFile.load(path: example, kinds: ProviderRegistry.profileKinds)
        #expect(Set(file.kindsPresent) == needed)
    }

    @Test func poolTypesAreFoundByPushOrWorkerName() {
        #expect(ProviderRegistry.catalog.type(forPoolType: "ecs:push")?.kind == .ecs)
        #expect(ProviderRegistry.catalog.type(forPoolType: "cloud-run-v2")?.kind == .cloudRunV2)
        #expect(ProviderRegistry.catalog.type(forPoolType: "cloud-run")?.kind == .cloudRunV1)
        #expect(ProviderRegistry.catalog.type(forPoolType: "vertex") == nil)
        #expect(ProviderRegistry.catalog.type(forPoolType: "") == nil)
        #expect(ProviderRegistry.registration(forPoolType: "modal")?.type.transport == .http2)
        #expect(ProviderRegistry.catalog.supportedTypes == Self.kinds.map(\.rawValue).joined(separator: ", "))
    }

    @Test func typeListNamesEveryTypeWithItsSummary() {
        let lines = ProviderRegistry.typeList.split(separator: "\n")
        #expect(lines.count == Self.kinds.count)
        for (line, type) in zip(lines, ProviderRegistry.catalog.types) {
            #expect(line.contains(type.kind.rawValue) && line.hasSuffix(type.summary))
        }
    }

    /// The suite's credentials file, written from each emulator's section, builds every emulated type's
    /// provider, and each provider paces per its account (never a key id or secret).
    @Test func everyEmulatorProfileBuildsItsProvider() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-registry-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let suite = try EmulatorSuite.start(EmulatorSuite.Options(directory: directory), ProviderRegistry.emulators)
        defer { suite.stop() }
        #expect(suite.emulators.map(\.kind) == ProviderRegistry.entries.filter { $0.emulator != nil }.map(\.provider.kind))
        let credentials = try CredentialsFile.load(path: suite.credentialsPath, kinds: ProviderRegistry.profileKinds)
        let text = try String(contentsOfFile: suite.credentialsPath, encoding: .utf8)
        let secrets = text.split(separator: "\n").compactMap { line -> Substring? in
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["access_key_id", "secret_access_key", "client_secret", "token_secret"].contains(parts[0]) else { return nil }
            return Substring(parts[1])
        }
        #expect(secrets.count >= 3)
        for (kind, _) in ProviderRegistry.emulators {
            let registration = try #require(ProviderRegistry.registration(forPoolType: kind.rawValue))
            let provider = try registration.makeProvider(
                .init(credentials: credentials, profile: suite.profile(for: kind), http: Self.refusing, clock: SystemClock(), environment: [:])
            )
            #expect(provider.kind == kind)
            let job = SubmissionJob(
                runID: "r1",
                attempt: 1,
                poolName: "p",
                deploymentName: "d",
                queueName: "default",
                configuration: suite.deploymentVariables(for: kind),
                now: Date()
            )
            let key = provider.pacingKey(for: job)
            #expect(key.kind == kind && !key.account.isEmpty)
            #expect(!secrets.contains { key.description.contains($0) }, "\(key)")
        }
    }

    @Test func anUnknownProfileIsAConfigurationErrorNamingIt() throws {
        let credentials = try CredentialsFile(
            parsing: "[aws other]\nregion = us-east-1\nsource = chain\n",
            path: "creds",
            kinds: ProviderRegistry.profileKinds
        )
        #expect {
            try ProviderRegistration.ecs.makeProvider(.init(credentials: credentials, profile: "missing", http: Self.refusing, clock: SystemClock()))
        } throws: { error in
            (error as? ProviderError)?.code == .invalidConfiguration && "\(error)".contains("missing")
        }
    }
}
