import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

/// Every ACI row of docs/provider-apis.md §1.4 / §4.3 "Mapping", and the PUT body built from the shipped
/// template's `arm_template` the way Prefect's ACI worker fills it (docs/prefect-semantics.md §3.4).
@Suite("ACI status mapping and request building")
struct ContainerInstancesPureTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var group: JSONValue
        var cancelRequested = false
        var expected: ProviderStatus.State
        var testDescription: String { name }
    }

    static func group(provisioning: String, groupState: String? = nil, container: JSONValue?) -> JSONValue {
        var properties: [String: JSONValue] = ["provisioningState": .string(provisioning)]
        if let groupState { properties["instanceView"] = ["state": .string(groupState)] }
        var containerProperties: [String: JSONValue] = ["image": "img"]
        if let container { containerProperties["instanceView"] = ["currentState": container] }
        properties["containers"] = [["name": "c", "properties": .object(containerProperties)]]
        return ["name": "g", "properties": .object(properties)]
    }

    static let rows: [Row] = [
        Row(name: "provisioningState Pending → Pending", group: group(provisioning: "Pending", container: nil), expected: .pending),
        Row(
            name: "provisioningState Creating → Pending",
            group: group(provisioning: "Creating", container: ["state": "Waiting"]),
            expected: .pending
        ),
        Row(name: "container Waiting → Pending", group: group(provisioning: "Succeeded", container: ["state": "Waiting"]), expected: .pending),
        Row(
            name: "container Node Pending → Pending",
            group: group(provisioning: "Succeeded", container: ["state": "Node Pending"]),
            expected: .pending
        ),
        Row(
            name: "container Running → Running",
            group: group(provisioning: "Succeeded", groupState: "Running", container: ["state": "Running"]),
            expected: .running
        ),
        Row(
            name: "Terminated exit 0 → Completed",
            group: group(provisioning: "Succeeded", groupState: "Succeeded", container: ["state": "Terminated", "exitCode": 0]),
            expected: .completed
        ),
        Row(
            name: "Terminated exit 2 → Failed",
            group: group(provisioning: "Succeeded", groupState: "Failed", container: ["state": "Terminated", "exitCode": 2]),
            expected: .failed
        ),
        Row(
            name: "group Stopped after our stop → Cancelled",
            group: group(provisioning: "Succeeded", groupState: "Stopped", container: ["state": "Terminated", "exitCode": 137]),
            cancelRequested: true,
            expected: .cancelled
        ),
        Row(
            name: "Terminated after our stop → Cancelled",
            group: group(provisioning: "Succeeded", container: ["state": "Terminated", "exitCode": 143]),
            cancelRequested: true,
            expected: .cancelled
        ),
        Row(
            name: "group Stopped we did not cause → Crashed",
            group: group(provisioning: "Succeeded", groupState: "Stopped", container: ["state": "Terminated", "exitCode": 137]),
            expected: .crashed
        ),
        Row(
            name: "Node Stopped we did not cause → Crashed",
            group: group(provisioning: "Succeeded", container: ["state": "Node Stopped"]),
            expected: .crashed
        ),
        Row(
            name: "provisioningState Failed (Get_Failed example: group Pending, container Waiting) → Crashed",
            group: group(provisioning: "Failed", groupState: "Pending", container: ["state": "Waiting"]),
            expected: .crashed
        ),
    ]

    @Test("containerGroups.get rows", arguments: rows)
    func row(_ row: Row) {
        #expect(ContainerGroupStatusMapping.status(group: row.group, cancelRequested: row.cancelRequested).state == row.expected)
    }

    @Test("404 after our stop/delete → Cancelled; 404 we did not cause → Crashed")
    func missing() {
        #expect(ContainerGroupStatusMapping.missing(cancelRequested: true).state == .cancelled)
        #expect(ContainerGroupStatusMapping.missing(cancelRequested: false).state == .crashed)
    }

    static let variables: JSONValue = [
        "image": "myacr.azurecr.io/job:1.2", "resource_group_name": "rg-jobs", "subscription_id": "sub-123",
        "command": "python -m job 'x y'", "cpu": 2, "memory": 1.5, "env": ["GREETING": "hi", "PREFECT_API_KEY": "pk-secret", "GONE": nil],
        "identities": ["/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"],
        "subnet_ids": ["/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a"],
        "dns_servers": ["10.0.0.4"], "labels": ["team": "data/eng"],
        "image_registry": ["registry_url": "myacr.azurecr.io", "username": "u", "password": "registry-pass"],
    ]

    @Test("PUT body: image, entrypoint + split command, env with secureValue, numeric cpu/memory, Never, identity, subnets, DNS, registry")
    func body() throws {
        let job = try BearerProviderTestSupport.job(template: "azure-container-instance-push.json", variables: Self.variables)
        let spec = try ContainerGroupSpec.make(job, defaultSubscription: nil).get()
        #expect(spec.name == "pg-\(BearerProviderTestSupport.runID)-1")
        #expect(spec.resourceID == "/subscriptions/sub-123/resourceGroups/rg-jobs/providers/Microsoft.ContainerInstance/containerGroups/\(spec.name)")
        #expect(spec.location == nil)  // the template's location is an ARM expression: the resource group's
        let body = spec.body(location: "westeurope")
        #expect(body["location"] == "westeurope")
        let properties = try #require(body["properties"])
        #expect(properties["restartPolicy"] == "Never" && properties["osType"] == "Linux")
        let container = try #require(properties["containers"]?.arrayValue?.first)
        #expect(container["name"] == .string(spec.name))
        #expect(container["properties"]?["image"] == "myacr.azurecr.io/job:1.2")
        #expect(container["properties"]?["command"] == ["/opt/prefect/entrypoint.sh", "python", "-m", "job", "x y"])
        #expect(container["properties"]?["resources"] == ["requests": ["cpu": 2.0, "memoryInGB": 1.5]])
        let env = container["properties"]?["environmentVariables"]?.arrayValue ?? []
        #expect(env.contains(["name": "GREETING", "value": "hi"]))
        #expect(env.contains(["name": "PREFECT_API_KEY", "secureValue": "pk-secret"]))
        #expect(!env.contains { $0["name"] == "GONE" })
        #expect(body["identity"]?["type"] == "UserAssigned")
        #expect(properties["subnetIds"]?.arrayValue?.count == 1)
        #expect(properties["dnsConfig"] == ["nameServers": ["10.0.0.4"]])
        #expect(properties["imageRegistryCredentials"] == [["server": "myacr.azurecr.io", "username": "u", "password": "registry-pass"]])
        #expect(body["tags"]?["team"] == "data/eng")
        #expect(body["tags"]?["prefect.io_flow-run-id"] == .string(BearerProviderTestSupport.runID))  // '/' is not allowed in tag names
        #expect(spec.keepContainerGroup == false)
    }

    @Test(
        "a missing image, resource group or subscription is rejected before any call, naming the field",
        arguments: ["image", "resource_group_name", "subscription_id"]
    )
    func missingField(_ field: String) async throws {
        let job = BearerProviderTestSupport.setting(
            field,
            to: nil,
            in: try BearerProviderTestSupport.job(template: "azure-container-instance-push.json", variables: Self.variables)
        )
        let http = RecordingHTTPClient { _ in HTTPResponse(status: 500) }
        let provider = ContainerInstancesProvider(
            configuration: ContainerInstancesConfiguration(managementEndpoint: "https://arm.example.test"),
            tokens: FixedBearerTokens(),
            http: http,
            clock: ManualClock()
        )
        let problems = provider.validate(job)
        #expect(problems.count == 1)
        #expect(problems.first?.description.contains(field) == true, "\(problems)")
        let error = await #expect(throws: ProviderError.self) { try await provider.submit(job) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(field) == true)
        #expect(http.requests.isEmpty)
    }

    @Test(
        "dry-run: client secret redacted, placeholder bearer, secure env values, registry password and the secret-marked subscription hidden, nothing sent"
    )
    func dryRun() async throws {
        let file = try CredentialsFile(
            parsing: "[azure t]\ntenant_id = tenant-1\nclient_id = app-1\nclient_secret = super-secret-value\n",
            path: "c.ini",
            kinds: CredentialsFileTests.allKinds
        )
        let http = RecordingHTTPClient { _ in HTTPResponse(status: 500) }
        let provider = ContainerInstancesProvider(
            configuration: ContainerInstancesConfiguration(managementEndpoint: "https://arm.example.test"),
            tokens: FixedBearerTokens(),
            http: http,
            clock: ManualClock(),
            tokenPreview: try file.azureTokenRequestPreview(profile: "t", http: http, clock: ManualClock())
        )
        let job = try BearerProviderTestSupport.job(template: "azure-container-instance-push.json", variables: Self.variables)
        let requests = try await provider.dryRun(job)
        #expect(http.requests.isEmpty)
        #expect(requests.map(\.method) == ["POST", "GET", "GET", "PUT"])
        let everything = requests.map { "\($0.url) \($0.headers) \(String(decoding: $0.body, as: UTF8.self))" }.joined()
        for secret in ["super-secret-value", "pk-secret", "registry-pass", "sub-123"] { #expect(!everything.contains(secret), "\(secret)") }
        #expect(String(decoding: requests[0].body, as: UTF8.self).contains("client_secret=<redacted>"))
        #expect(requests[3].url.contains("api-version=2023-05-01"))
        #expect(requests[3].headers["Authorization"] == DryRunRedaction.placeholderAuthorization)
    }
}
