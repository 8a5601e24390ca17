import PushgateCore

/// What submitting one job to ECS takes, built from the rendered job configuration by pure code
/// (``build(job:region:)``): the task definition to register (or the existing one to use), and the RunTask
/// body minus the task definition ARN, which is only known after registration or reuse.
/// The recipe is Prefect's ECS worker after templating (docs/prefect-semantics.md §3.4) with pushgate's
/// idempotency additions (docs/provider-apis.md §1.3, §2.2, §2.3).
package struct ECSSubmissionPlan: Sendable, Equatable {
    /// The orchestration container (its override carries env and command; its exit code is the run's).
    /// Nil only with an existing task definition and no `container_name`: read from that definition.
    package var containerName: String?
    /// The cluster sent with every call; nil means the account's `default` cluster.
    package var cluster: String?
    /// The RegisterTaskDefinition body (tags included); nil when an existing definition is named.
    package var registration: JSONValue?
    /// The family of ``registration``.
    package var family: String?
    /// Hash of the registered content (without pushgate's tags), carried in the `pushgate.io/definition-hash`
    /// tag so an identical definition is reused instead of registered again.
    package var definitionHash: String?
    /// `task_definition_arn` (or `task_run_request.taskDefinition`): used as is, nothing registered.
    package var existingTaskDefinition: String?
    /// RunTask members except `taskDefinition`.
    package var runTask: [String: JSONValue]
    /// `auto_deregister_task_definition`: register a revision for this run only and deregister it in
    /// clean-up (otherwise identical definitions are reused and never deregistered per run).
    package var autoDeregister: Bool
    /// An awsvpc task without `network_configuration`: its network is found with EC2 calls before RunTask,
    /// as Prefect's worker does (``ECSNetworkDiscovery``).
    package var networkDiscovery: ECSNetworkDiscovery?

    package init(
        containerName: String?,
        cluster: String?,
        registration: JSONValue?,
        family: String?,
        definitionHash: String?,
        existingTaskDefinition: String?,
        runTask: [String: JSONValue],
        autoDeregister: Bool,
        networkDiscovery: ECSNetworkDiscovery? = nil
    ) {
        self.containerName = containerName
        self.cluster = cluster
        self.registration = registration
        self.family = family
        self.definitionHash = definitionHash
        self.existingTaskDefinition = existingTaskDefinition
        self.runTask = runTask
        self.autoDeregister = autoDeregister
        self.networkDiscovery = networkDiscovery
    }

    /// The RunTask body for `taskDefinition` (ARN or `family:revision`); `containerName` fills in the
    /// orchestration container's override name when the plan did not know it; `network` is the
    /// discovered `networkConfiguration` (``networkDiscovery``).
    package func runTaskBody(taskDefinition: String, containerName: String? = nil, network: JSONValue? = nil) -> JSONValue {
        var body = runTask
        body["taskDefinition"] = .string(taskDefinition)
        if let network { body["networkConfiguration"] = network }
        if let name = self.containerName ?? containerName, case .object(var overrides)? = body["overrides"],
            case .array(var containers)? = overrides["containerOverrides"]
        {
            for index in containers.indices {
                if case .object(var container) = containers[index], container["name"] == nil {
                    container["name"] = .string(name)
                    containers[index] = .object(container)
                    break
                }
            }
            overrides["containerOverrides"] = .array(containers)
            body["overrides"] = .object(overrides)
        }
        return .object(body)
    }
}
