import Foundation
import PushgateCore
import PushgateTestSupport

/// Work pools, deployments and flow runs made on a real Prefect server with Prefect's own SDK
/// (Tests/Fixtures/prefect/deploy_pools.py), for the bridge's end-to-end tests.
struct PrefectPoolSetup {
    struct Deployment {
        var name: String
        var variables: JSONValue
        var runs = 1
    }

    struct Pool {
        var prefectPool: String
        /// The type Prefect shows (`cloud-run-v2`, `ecs`…); the mapping decides pushgate's provider.
        var prefectType: String
        var kind: ProviderKind
        var profile: String?
        var deployments: [Deployment]

        /// `--prefect-pool POOL=TYPE[@PROFILE]`.
        var mapping: String { "\(prefectPool)=\(kind.rawValue)" + (profile.map { "@\($0)" } ?? "") }
    }

    /// Creates `pools` (each with pushgate's template for its kind as the base job template) and their
    /// deployments of `flows.py:hello`, starts their runs, and returns the run ids by deployment.
    static func create(_ pools: [Pool], on prefect: PrefectServer) async throws -> [String: [String]] {
        let spec: JSONValue = .array(
            pools.map { pool in
                [
                    "pool": .string(pool.prefectPool), "type": .string(pool.prefectType),
                    "template": .string(Fixtures.repositoryRoot().appendingPathComponent("templates/\(pool.kind.defaultTemplateFileName)").path),
                    "deployments": .array(
                        pool.deployments.map { ["name": .string($0.name), "job_variables": $0.variables, "runs": .int(Int64($0.runs))] }
                    ),
                ]
            }
        )
        let specURL = prefect.home.appendingPathComponent("pools-\(UUID().uuidString.prefix(8)).json")
        try Data(spec.serialized().utf8).write(to: specURL)
        let source = prefect.home.appendingPathComponent("flows")
        if !FileManager.default.fileExists(atPath: source.path) {
            try FileManager.default.copyItem(at: Fixtures.url("prefect/flows"), to: source)
        }
        let output = try await prefect.python(try Fixtures.string("prefect/deploy_pools.py"), arguments: [source.path, specURL.path])
        var runs: [String: [String]] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("RUN ") {
            let words = line.split(separator: " ")
            if words.count == 3 { runs[String(words[1]), default: []].append(String(words[2])) }
        }
        return runs
    }

    /// The Prefect run once `done` holds or `timeout` has passed.
    static func wait(for id: String, _ prefect: PrefectServer, timeout: TimeInterval = 120, until done: (JSONValue) -> Bool) async throws -> JSONValue
    {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let run = try JSONValue.parse(try await prefect.get("/flow_runs/\(id)"))
            if done(run) || Date() > deadline { return run }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
    }
}
