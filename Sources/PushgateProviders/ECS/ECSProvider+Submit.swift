import Foundation
import PushgateCore

extension ECSProvider {
    /// Finds the default network when the plan needs it, registers or reuses the task definition, then RunTask once with `clientToken` = the idempotency key
    /// (docs/provider-apis.md §1.3, §2.2, §2.3). A ConflictException (same token, other parameters) names the
    /// task the token already started, which is returned; an ambiguous RunTask failure throws
    /// ``ProviderError/Code/ambiguous`` and is never re-sent here.
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let plan = try plan(for: job)
        var network: JSONValue?
        if let discovery = plan.networkDiscovery { network = try await self.network(for: discovery, at: job.now) }
        let (taskDefinition, containerName) = try await resolveTaskDefinition(plan)
        let body = plan.runTaskBody(taskDefinition: taskDefinition, containerName: containerName, network: network)
        switch try await send(.runTask, body) {
        case .success(let answer):
            return try ECSProvider.handle(fromRunTask: answer, cluster: plan.cluster)
        case .failure(let answer, let error):
            if error.code == .conflict, let existing = answer.resourceIDs.first {
                return ECSTaskHandle(cluster: plan.cluster ?? "default", taskARN: existing).handle
            }
            throw error
        }
    }

    /// The handle of the task RunTask started; placement failures (HTTP 200 with `failures`) are refusals.
    package static func handle(fromRunTask answer: JSONValue, cluster: String?) throws -> ProviderHandle {
        let failures = answer["failures"]?.arrayValue ?? []
        guard let task = answer["tasks"]?.arrayValue?.first, let arn = task["taskArn"]?.stringValue, failures.isEmpty else {
            let reasons = failures.map { failure in
                [failure["reason"]?.stringValue, failure["detail"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            }
            throw ProviderError(
                .rejected,
                "ECS RunTask started no task: " + (reasons.isEmpty ? "empty answer" : reasons.joined(separator: "; ")),
                httpStatus: 200,
                providerCode: failures.first?["reason"]?.stringValue
            )
        }
        return ECSTaskHandle(cluster: task["clusterArn"]?.stringValue ?? cluster ?? "default", taskARN: arn).handle
    }

    /// The task definition to run and its orchestration container: the named one, a cached or described
    /// revision carrying the same content hash, or a new registration (docs/provider-apis.md §2.2: every
    /// RegisterTaskDefinition makes a new revision, so identical content is reused).
    func resolveTaskDefinition(_ plan: ECSSubmissionPlan) async throws -> (String, String?) {
        if let existing = plan.existingTaskDefinition {
            if plan.containerName != nil { return (existing, plan.containerName) }
            let described = try await call(.describeTaskDefinition, ["taskDefinition": .string(existing)])
            let containers = described["taskDefinition"]?["containerDefinitions"]?.arrayValue ?? []
            let names = containers.compactMap { $0["name"]?.stringValue }
            let name = names.contains(ECSSubmissionPlan.defaultContainerName) ? ECSSubmissionPlan.defaultContainerName : names.first
            return (existing, name)
        }
        guard let registration = plan.registration, let family = plan.family, let hash = plan.definitionHash else {
            throw ProviderError(.invalidConfiguration, "ECS: the plan has neither a task definition to register nor one to use")
        }
        if !plan.autoDeregister {
            let key = "\(family)#\(hash)"
            if let cached = state.definitions.withLock({ $0[key] }) { return (cached, plan.containerName) }
            if let found = try await findDefinition(family: family, hash: hash) {
                state.definitions.withLock { $0[key] = found }
                return (found, plan.containerName)
            }
        }
        let registered = try await call(.registerTaskDefinition, registration)
        guard let arn = registered["taskDefinition"]?["taskDefinitionArn"]?.stringValue else {
            throw ProviderError(.unavailable, "ECS RegisterTaskDefinition: the answer has no taskDefinitionArn")
        }
        if !plan.autoDeregister { state.definitions.withLock { $0["\(family)#\(hash)"] = arn } }
        return (arn, plan.containerName)
    }

    /// Most revisions examined when the family's latest one has other content.
    static let revisionsExamined = 5

    /// An ACTIVE revision of `family` tagged with `hash`: the latest one (DescribeTaskDefinition of the
    /// family), else one of the few most recent (ListTaskDefinitions, newest first). Nil when none.
    func findDefinition(family: String, hash: String) async throws -> String? {
        func matching(_ described: JSONValue) -> String? {
            let definition = described["taskDefinition"]
            let tags = described["tags"]?.arrayValue ?? []
            guard definition?["status"]?.stringValue == "ACTIVE",
                tags.contains(where: { $0["key"]?.stringValue == ECSTags.definitionHash && $0["value"]?.stringValue == hash })
            else { return nil }
            return definition?["taskDefinitionArn"]?.stringValue
        }
        let latest: JSONValue
        do {
            latest = try await call(.describeTaskDefinition, ["taskDefinition": .string(family), "include": ["TAGS"]])
        } catch let error as ProviderError where error.code == .notFound {
            return nil
        }
        if let arn = matching(latest) { return arn }
        let latestARN = latest["taskDefinition"]?["taskDefinitionArn"]?.stringValue
        let listed = try await call(
            .listTaskDefinitions,
            ["familyPrefix": .string(family), "status": "ACTIVE", "sort": "DESC", "maxResults": .int(Int64(ECSProvider.revisionsExamined + 1))]
        )
        let candidates = (listed["taskDefinitionArns"]?.arrayValue ?? []).compactMap(\.stringValue).filter { arn in
            arn != latestARN && arn.split(separator: "/").last.map { $0.split(separator: ":").first == Substring(family) } == true
        }
        for arn in candidates.prefix(ECSProvider.revisionsExamined - 1) {
            let described = try await call(.describeTaskDefinition, ["taskDefinition": .string(arn), "include": ["TAGS"]])
            if let match = matching(described) { return match }
        }
        return nil
    }
}
