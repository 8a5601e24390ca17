import Foundation
import PushgateCore
import PushgateTestSupport
import Testing

@testable import PushgateProviders

/// Every request the provider sends is one the Engine API v1.41 document declares (path, method, query
/// parameters), and every body is valid against its schema (Tests/Fixtures/docker-engine-api).
@Suite struct DockerSwaggerTests {
    static let endpoint = DockerEndpoint(
        baseURL: "http://localhost",
        connection: HTTPConnectionOptions(unixSocketPath: "/run/d.sock"),
        host: "unix:///run/d.sock"
    )
    static let requests = DockerRequests(configuration: DockerConfiguration(endpoint: endpoint))

    static let configurations: [JSONValue] = [
        ["image": "busybox:1.36", "command": "echo hi", "env": ["A": "1"]],
        [
            "image": "registry.example:5000/team/flows:2026.12", "command": "python -m flow --name 'x y'", "env": ["A": "1", "B": "two"],
            "labels": ["team": "data"], "networks": ["backend", "metrics"], "volumes": ["/data:/data:ro", "cache:/cache"],
            "mem_limit": "512m", "memswap_limit": "1g", "cpus": 1.5, "privileged": true, "auto_remove": true,
            "registry_credentials": ["username": "u", "password": "p", "registry_url": "registry.example:5000"],
            "image_pull_policy": "Always",
        ],
        ["image": "busybox", "command": "true", "network_mode": "host", "mem_limit": 100_000],
    ]

    static func job(_ configuration: JSONValue) -> SubmissionJob {
        SubmissionJob(
            runID: "3f0c1a2b-run",
            attempt: 2,
            poolName: "p",
            deploymentName: "d",
            queueName: "q",
            configuration: configuration,
            now: Date()
        )
    }

    @Test func theDocumentIsTheEngineAPI141() throws {
        let checker = try SwaggerSchemaChecker.engineAPI()
        let version = checker.document.member(at: "info", "version")?.stringValue
        let basePath = checker.document["basePath"]?.stringValue
        let createSchema = checker.bodySchema("POST", "/containers/create")
        #expect(version == "1.41")
        #expect(basePath == "/v1.41")
        #expect(createSchema != nil)
    }

    @Test(arguments: configurations)
    func containerCreateBodiesAreValid(configuration: JSONValue) throws {
        let checker = try SwaggerSchemaChecker.engineAPI()
        let spec = try #require(try? DockerContainerSpec.make(Self.job(configuration)).get())
        let found = checker.bodySchema("POST", "/containers/create")
        let schema = try #require(found)
        let problems = checker.violations(spec.body, schema)
        #expect(problems == [])
    }

    @Test func theCheckerCatchesAMisspeltFieldAndAWrongType() throws {
        let checker = try SwaggerSchemaChecker.engineAPI()
        let found = checker.bodySchema("POST", "/containers/create")
        let schema = try #require(found)
        let bad: JSONValue = ["Image": "busybox", "Cmdd": ["true"], "HostConfig": ["Memory": "8m", "NetworkMod": "host"]]
        let problems = checker.violations(bad, schema)
        #expect(problems.contains("$.Cmdd: not in the schema"))
        #expect(problems.contains("$.HostConfig.Memory: expected an integer"))
        #expect(problems.contains("$.HostConfig.NetworkMod: not in the schema"))
    }

    /// Each call's method, path (under the base path) and query parameter names appear in the document.
    @Test func everyRequestIsADeclaredOperation() throws {
        let checker = try SwaggerSchemaChecker.engineAPI()
        let spec = try #require(try? DockerContainerSpec.make(Self.job(Self.configurations[1])).get())
        let calls = [
            Self.requests.inspectImage(spec.imageReference), Self.requests.pullImage(spec.image, auth: spec.registryAuth),
            Self.requests.createContainer(name: spec.name, body: spec.body), Self.requests.startContainer("abc"),
            Self.requests.inspectContainer("abc"), Self.requests.listContainers(), Self.requests.stopContainer("abc", timeout: 5),
            Self.requests.removeContainer("abc"), Self.requests.logs("abc", tail: 10),
        ]
        for call in calls {
            let url = try #require(URLComponents(string: call.url))
            #expect(url.percentEncodedPath.hasPrefix("/v1.41/"), "\(call.url)")
            let path = String(url.percentEncodedPath.dropFirst("/v1.41".count))
            let found = checker.pathTemplate(for: path)
            let template = try #require(found, "\(call.method) \(path) is not in the document")
            let operation = checker.document.member(at: "paths", template, call.method.lowercased())
            #expect(operation != nil, "\(call.method) \(template)")
            let declared = checker.queryParameters(call.method, template)
            for item in url.queryItems ?? [] { #expect(declared.contains(item.name), "\(call.method) \(template) ?\(item.name)") }
        }
    }
}
