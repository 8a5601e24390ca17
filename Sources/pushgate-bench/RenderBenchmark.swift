import Foundation
import PushgateCore

/// Times what happens per submission to the ECS template: parse the deployment and run variables,
/// merge, validate and render (the template itself is parsed once per pool); and, separately, the same
/// with the template parsed every time.
enum RenderBenchmark {
    static let deploymentVariables = #"{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/flows:2026.11", "cpu": 1024, "memory": 2048, "cluster": "prod", "env": {"STAGE": "prod", "TEAM": "data"}, "vpc_id": "vpc-0abc", "network_configuration": {"subnets": ["subnet-1", "subnet-2"], "assignPublicIp": "DISABLED"}}"#
    static let runVariables = #"{"env": {"RUN_DATE": "2026-11-29", "TEAM": "platform"}, "memory": 4096}"#

    static func templateData(root: URL) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("templates/ecs-push.json"))
    }

    /// Microseconds per render with a pre-parsed template; `rounds` samples of `iterations` renders.
    static func run(root: URL, iterations: Int = 20_000, rounds: Int = 5) throws -> (render: Measurement, withTemplateParse: Measurement) {
        let data = try templateData(root: root)
        let template = try BaseJobTemplate(data: data, file: "ecs-push.json")
        let deploymentData = Data(deploymentVariables.utf8)
        let runData = Data(runVariables.utf8)
        var sink = 0
        func once(_ template: BaseJobTemplate) throws {
            let deployment = try JSONValue.parse(deploymentData)
            let run = try JSONValue.parse(runData)
            let rendered = try template.render(deployment: .init(deployment, name: "d"), run: .init(run, name: "r"))
            sink &+= rendered.objectValue?.count ?? 0
        }
        var render: [Double] = []
        var full: [Double] = []
        for _ in 0..<rounds {
            let start = monotonicSeconds()
            for _ in 0..<iterations { try once(template) }
            render.append((monotonicSeconds() - start) / Double(iterations) * 1e6)
            let fullIterations = max(1, iterations / 10)
            let start2 = monotonicSeconds()
            for _ in 0..<fullIterations { try once(try BaseJobTemplate(data: data, file: "ecs-push.json")) }
            full.append((monotonicSeconds() - start2) / Double(fullIterations) * 1e6)
        }
        if sink == 42 { print("") }  // keep the optimiser honest
        return (Measurement(samples: render), Measurement(samples: full))
    }
}
