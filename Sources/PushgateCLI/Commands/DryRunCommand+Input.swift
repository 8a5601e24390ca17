import Foundation
import PushgateCore
import PushgateProviders
import PushgateRegistry

extension DryRunCommand {
    /// What a dry run needs: the submission job as the dispatcher would build it, the provider kind, and
    /// the credentials profile to build the provider from.
    struct Input {
        var registration: ProviderRegistration
        var job: SubmissionJob
        var credentials: CredentialsFile
        var profile: String

        static func load(_ parsed: ParsedArguments, context: CommandContext) async throws -> Input {
            let runID = (parsed.option("run-id") ?? UUID().uuidString).lowercased()
            guard !runID.isEmpty, runID.count <= 56, runID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw UsageError("--run-id expects a run id such as a UUID (letters, digits and '-'), got '\(runID)'")
            }
            let now = try parsed.option("at").map(TimeArgument.parse) ?? Date()
            let runVariables = try parsed.option("run-vars").map { try JSONArgument.load($0, option: "--run-vars") }

            let registration: ProviderRegistration
            let template: BaseJobTemplate
            let deploymentVariables: (value: JSONValue, source: String)?
            // A stored pool's rule, or for a template file the default rule (refused) unless the flag says drop.
            var undeclared: UndeclaredVariables = parsed.flag("allow-undeclared-variables") ? .drop : .refuse
            let poolName: String
            let deploymentName: String
            let queueName: String
            var profile = parsed.option("profile")
            if let pool = parsed.option("pool") {
                guard let deploymentOption = parsed.option("deployment") else { throw UsageError("--pool needs --deployment NAME") }
                for option in ["template", "type", "deployment-vars"] where parsed.option(option) != nil {
                    throw UsageError("--\(option) cannot be combined with --pool (the pool and deployment supply it)")
                }
                let store = try await StoreAccess.open(context)
                let stored: (WorkPool, Deployment)
                do {
                    stored = (try await store.pool(named: pool), try await store.deployment(named: deploymentOption))
                    await store.close()
                } catch {
                    await store.close()
                    throw error
                }
                let (workPool, deployment) = stored
                guard deployment.poolName == workPool.name else {
                    throw InputError("deployment '\(deployment.name)' belongs to pool '\(deployment.poolName)', not '\(workPool.name)'")
                }
                guard let poolRegistration = ProviderRegistry.registration(forPoolType: workPool.type) else {
                    throw InputError(
                        "pool '\(workPool.name)' has type '\(workPool.type)', which has no provider (supported: \(ProviderRegistry.catalog.supportedTypes))"
                    )
                }
                registration = poolRegistration
                template = try BaseJobTemplate(data: Data(workPool.baseJobTemplate.utf8), file: "pool '\(workPool.name)' template")
                let source = "deployment '\(deployment.name)' job_variables"
                deploymentVariables = try deployment.jobVariables.flatMap { text in
                    text.isEmpty ? nil : (try JSONArgument.load(text, option: source).value, source)
                }
                undeclared = workPool.undeclaredVariables
                poolName = workPool.name
                deploymentName = deployment.name
                queueName = deployment.queueName
                profile = profile ?? workPool.credentialsProfile
            } else {
                guard let file = parsed.option("template") else {
                    throw UsageError("missing --template FILE or --pool NAME (see 'pushgate dry-run --help')")
                }
                guard let type = parsed.option("type") else {
                    throw UsageError("missing --type TYPE (\(ProviderRegistry.catalog.supportedTypes))")
                }
                guard let fileRegistration = ProviderRegistry.registration(forPoolType: type) else {
                    throw UsageError("unknown type '\(type)' (supported: \(ProviderRegistry.catalog.supportedTypes))")
                }
                if parsed.option("deployment") != nil { throw UsageError("--deployment needs --pool NAME") }
                registration = fileRegistration
                template = try BaseJobTemplate(data: try JSONArgument.readFile(file, limit: BaseJobTemplate.maxBytes), file: file)
                deploymentVariables = try parsed.option("deployment-vars").map { try JSONArgument.load($0, option: "--deployment-vars") }
                poolName = "dry-run"
                deploymentName = "dry-run"
                queueName = "default"
            }
            let problems = template.problems(for: registration.type)
            if !problems.isEmpty { throw TemplateError(problems) }
            let credentials: CredentialsFile
            if registration.type.usesCredentials {
                guard profile != nil else {
                    throw UsageError("missing --profile NAME (the credentials profile the pool submits with)")
                }
                guard
                    let credentialsPath = parsed.option("credentials")
                        ?? context.environment["PUSHGATE_CREDENTIALS"].flatMap({ $0.isEmpty ? nil : $0 })
                else {
                    throw UsageError("missing --credentials FILE (or PUSHGATE_CREDENTIALS)")
                }
                guard FileManager.default.isReadableFile(atPath: credentialsPath) else {
                    throw JSONArgument.Failure.io("\(credentialsPath): cannot read the credentials file")
                }
                do {
                    credentials = try CredentialsFile.load(path: credentialsPath, kinds: ProviderRegistry.profileKinds)
                } catch let error as CredentialsError {
                    throw InputError(error.message)
                }
            } else {
                // A type that needs no credentials (process) builds its provider from none.
                credentials = CredentialsFile.empty()
            }

            let deploymentLayer = BaseJobTemplate.VariableSource(deploymentVariables?.value, name: deploymentVariables?.source ?? "--deployment-vars")
            let runLayer = BaseJobTemplate.VariableSource(runVariables?.value, name: runVariables?.source ?? "job variables (no --run-vars given)")
            let rendered = try template.render(deployment: deploymentLayer, run: runLayer, undeclared: undeclared)
            let identity = RunIdentity(runID: runID, deployment: deploymentName, pool: poolName, queue: queueName)
            let job = SubmissionJob(
                runID: runID,
                attempt: 1,
                poolName: poolName,
                deploymentName: deploymentName,
                queueName: queueName,
                configuration: rendered.injecting(identity),
                secretValues: template.secretValues(deployment: deploymentLayer, run: runLayer)
                    .union(credentials.secretValues(kind: registration.type.credentialsProfileKind, profile: profile ?? "")),
                now: now
            )
            return Input(registration: registration, job: job, credentials: credentials, profile: profile ?? "")
        }
    }
}
