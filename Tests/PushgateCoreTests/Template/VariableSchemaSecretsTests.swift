import Foundation
import PushgateCore
import PushgateTestSupport
import Testing

@Suite("Secret-marked job variables")
struct VariableSchemaSecretsTests {
    static func template(_ file: String) throws -> BaseJobTemplate {
        try BaseJobTemplate(data: Data(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/\(file)")), file: file)
    }

    @Test("ACI: subscription_id (format password) and the registry password behind $ref/anyOf; plain values are not secret")
    func containerInstancesTemplate() throws {
        let template = try Self.template("azure-container-instance-push.json")
        let deployment: JSONValue = [
            "subscription_id": "sub-from-deployment", "resource_group_name": "rg",
            "image_registry": ["registry_url": "r.example", "username": "u", "password": "registry-pass"],
        ]
        let secrets = template.secretValues(
            deployment: .init(deployment, name: "deployment"),
            run: .init(["subscription_id": "sub-from-run"], name: "run")
        )
        #expect(secrets == ["sub-from-run", "registry-pass"], "the run's value wins the merge; the deployment's is not sent")
    }

    @Test("a template that marks nothing yields nothing; a writeOnly array's items are secret")
    func markers() throws {
        #expect(try Self.template("ecs-push.json").secretValues(deployment: .init(["image": "x"], name: "d"), run: .init(nil, name: "r")).isEmpty)
        let schema = VariableSchema([
            "properties": ["keys": ["type": "array", "writeOnly": true, "items": ["type": "string"]], "name": ["type": "string"]]
        ])
        #expect(schema.secretStrings(in: ["keys": ["k-one", "k-two"], "name": "plain"]) == ["k-one", "k-two"])
    }
}
