import PushgateCore

extension ContainerInstancesProvider {
    /// The group's page in the Azure portal, `https://portal.azure.com/#@/resource{resource id}/overview`:
    /// the handle names the group, the run's configuration its subscription and resource group.
    package func consoleURL(_ handle: ProviderHandle, job: SubmissionJob) -> String? {
        guard let resourceID = try? resourceID(handle, job: job) else { return nil }
        return "https://portal.azure.com/#@/resource\(resourceID)/overview"
    }
}
