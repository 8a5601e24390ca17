import Foundation
import PushgateCore

/// Times what happens per submission to the ECS template: parse the deployment and run variables,
/// merge and render (the template itself is parsed once per pool): once without validation, like for
/// like with Prefect's worker (``RenderPeer``), and once with the schema validation every pushgate
/// submission runs; and, separately, the validated render with the template parsed every time.
enum RenderBenchmark {
    static let deploymentVariables =
        #"{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/flows:2026.11", "cpu": 1024, "memory": 2048, "cluster": "prod", "env": {"STAGE": "prod", "TEAM": "data"}, "vpc_id": "vpc-0abc", "network_configuration": {"subnets": ["subnet-1", "subnet-2"], "assignPublicIp": "DISABLED"}}"#
    static let runVariables = #"{"env": {"RUN_DATE": "2026-11-29", "TEAM": "platform"}, "memory": 4096}"#

    static func templateData(root: URL) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("templates/ecs-push.json"))
    }

    struct Result {
        /// Parse + merge + render: what Prefect's worker does.
        var likeForLike: Measurement
        /// The same plus schema validation: `BaseJobTemplate.render(deployment:run:)` from text, as `SubmissionPlan` calls it.
        var validated: Measurement
        /// The validated render with the template parsed and validated every time.
        var withTemplateParse: Measurement
    }

    /// Microseconds per render with a pre-parsed template; `rounds` samples of `iterations` renders each,
    /// the two forms interleaved round by round so both see the same machine load. The default makes a
    /// sample last about as long as one of the peer's (2,000 renders of ~130 µs), so both average the
    /// load of a shared machine over similar windows.
    static func run(root: URL, iterations: Int = 80_000, rounds: Int = 5) throws -> Result {
        let data = try templateData(root: root)
        let template = try BaseJobTemplate(data: data, file: "ecs-push.json")
        var sink = 0
        // The entry points SubmissionPlan calls, from the variables' JSON text.
        func unvalidated(_ template: BaseJobTemplate) throws {
            let rendered = try template.renderWithoutValidation(
                deployment: .init(json: deploymentVariables, name: "d"),
                run: .init(json: runVariables, name: "r")
            )
            sink &+= rendered.objectValue?.count ?? 0
        }
        func validated(_ template: BaseJobTemplate) throws {
            let rendered = try template.render(deployment: .init(json: deploymentVariables, name: "d"), run: .init(json: runVariables, name: "r"))
            sink &+= rendered.objectValue?.count ?? 0
        }
        func microseconds(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
            let start = monotonicSeconds()
            for _ in 0..<count { try body() }
            return (monotonicSeconds() - start) / Double(count) * 1e6
        }
        var likeForLike: [Double] = []
        var checked: [Double] = []
        var full: [Double] = []
        for _ in 0..<rounds {
            likeForLike.append(try microseconds(iterations) { try unvalidated(template) })
            checked.append(try microseconds(iterations) { try validated(template) })
            full.append(try microseconds(max(1, iterations / 100)) { try validated(try BaseJobTemplate(data: data, file: "ecs-push.json")) })
        }
        if sink == 42 { print("") }  // keep the optimiser honest
        return Result(
            likeForLike: Measurement(samples: likeForLike),
            validated: Measurement(samples: checked),
            withTemplateParse: Measurement(samples: full)
        )
    }
}
