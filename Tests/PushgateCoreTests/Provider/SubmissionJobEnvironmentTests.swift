import Foundation
import PushgateCore
import Testing

/// The bridge's credentials join a submission at submit time: added where the run did not set the name,
/// and always counted as secrets so every view of the submission hides them.
@Suite struct SubmissionJobEnvironmentTests {
    static func job(_ configuration: JSONValue) -> SubmissionJob {
        SubmissionJob(
            runID: "r1",
            attempt: 1,
            poolName: "p",
            deploymentName: "d",
            queueName: "default",
            configuration: configuration,
            now: Date(timeIntervalSince1970: 0)
        )
    }

    @Test func addedUnderEnvAsSecretsWhereTheRunDidNotSetThem() {
        let job = Self.job(["image": "i", "env": ["PREFECT_API_URL": "http://x/api", "PREFECT_API_KEY": "run-own"]])
            .adding(secretEnvironment: ["PREFECT_API_KEY": "gateway-key", "PREFECT_API_AUTH_STRING": "u:p"])
        #expect(job.configuration["env"]?["PREFECT_API_KEY"] == "run-own")
        #expect(job.configuration["env"]?["PREFECT_API_AUTH_STRING"] == "u:p")
        #expect(job.configuration["env"]?["PREFECT_API_URL"] == "http://x/api")
        #expect(job.configuration["image"] == "i")
        #expect(job.secretValues == ["u:p"])
    }

    @Test func aConfigurationWithoutEnvGetsOne() {
        let job = Self.job(["image": "i"]).adding(secretEnvironment: ["PREFECT_API_KEY": "k"])
        #expect(job.configuration["env"] == ["PREFECT_API_KEY": "k"])
        #expect(job.secretValues.contains("k"))
        #expect(Self.job(["image": "i"]).adding(secretEnvironment: [:]) == Self.job(["image": "i"]))
    }
}
