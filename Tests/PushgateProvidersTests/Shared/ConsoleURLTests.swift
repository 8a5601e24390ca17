import Foundation
import PushgateCore
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

/// The run page links each workload to its provider's console; the link is built from the handle (and
/// the run's configuration where the handle lacks the subscription or project).
@Suite("Console links")
struct ConsoleURLTests {
    @Test("ECS: the task page in the task's region; a handle that is not a task ARN has none")
    func ecs() throws {
        let provider = ECSProvider(
            region: "us-east-1",
            credentials: StaticAWSCredentialProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s")),
            http: RecordingHTTPClient { _ in HTTPResponse(status: 500) },
            clock: ManualClock()
        )
        let job = try ECSFixtures.job()
        let handle = ProviderHandle("arn:aws:ecs:eu-west-1:123456789012:cluster/etl::arn:aws:ecs:eu-west-1:123456789012:task/etl/0a1b2c3d")
        #expect(
            provider.consoleURL(handle, job: job) == "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/etl/tasks/0a1b2c3d?region=eu-west-1"
        )
        #expect(provider.consoleURL(ProviderHandle("etl::not-an-arn"), job: job) == nil)
    }

    @Test("Cloud Run: the execution page with its project; an old job-only handle links the job")
    func cloudRun() throws {
        let provider = CloudRunRequestBuildingTests.provider()
        let job = try BearerProviderTestSupport.job(template: "cloud-run-v2-push.json", variables: CloudRunRequestBuildingTests.variables)
        let execution = ProviderHandle("projects/proj-1/locations/europe-west1/jobs/pg-job/executions/pg-job-x7k2p")
        #expect(
            provider.consoleURL(execution, job: job)
                == "https://console.cloud.google.com/run/jobs/executions/details/europe-west1/pg-job-x7k2p?project=proj-1"
        )
        #expect(
            provider.consoleURL(ProviderHandle("pg-job"), job: job)
                == "https://console.cloud.google.com/run/jobs/details/europe-west1/pg-job?project=proj-1"
        )
    }

    @Test("ACI: the group's portal page from the run's subscription and resource group")
    func containerInstances() throws {
        let provider = ContainerInstancesProvider(
            configuration: ContainerInstancesConfiguration(managementEndpoint: "https://arm.example.test"),
            tokens: FixedBearerTokens(),
            http: RecordingHTTPClient { _ in HTTPResponse(status: 500) },
            clock: ManualClock()
        )
        let job = try BearerProviderTestSupport.job(template: "azure-container-instance-push.json", variables: ContainerInstancesPureTests.variables)
        #expect(
            provider.consoleURL(ProviderHandle("run-1:pg-run-1-1"), job: job)
                == "https://portal.azure.com/#@/resource/subscriptions/sub-123/resourceGroups/rg-jobs/providers/Microsoft.ContainerInstance/containerGroups/pg-run-1-1/overview"
        )
    }
}
