import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

/// `templates/process.json` is Prefect's own process template, unchanged (docs/provider-apis.md §6.1): the
/// copy Prefect bundles in its worker metadata, kept in `Tests/Fixtures/reference-templates`.
@Suite struct ProcessTemplateTests {
    @Test func theShippedTemplateIsPrefectsUnchanged() throws {
        let shipped = try JSONValue.parse(try Data(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/process.json")))
        let prefect = try JSONValue.parse(try Data(contentsOf: Fixtures.url("reference-templates/process.json")))
        #expect(shipped == prefect)
        // And it fits the type: the keys the provider reads are in its job configuration.
        let template = try BaseJobTemplate(data: shipped.data(), file: "process.json")
        #expect(template.problems(for: ProviderRegistration.process.type).isEmpty)
        #expect(!ProviderRegistration.process.type.usesCredentials)
    }
}
