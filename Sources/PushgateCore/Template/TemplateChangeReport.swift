/// What a new base job template would do to a pool: every deployment whose job variables it no longer
/// accepts, and every run not yet submitted that would no longer render, each with its problems. A pool
/// template update is refused unless the report is clean (or forced); `pushgate validate --against POOL`
/// prints it before anyone applies the change (docs/design.md "Enforced interfaces").
package struct TemplateChangeReport: Sendable {
    package struct Impact: Sendable, Hashable {
        package var deploymentName: String
        /// Nil for the deployment itself; a run's id for one of its runs.
        package var runID: String?
        package var problems: [TemplateProblem]

        /// One line per problem, which names its deployment; a run's lines start with `run ID: `.
        package var lines: [String] {
            let prefix = runID.map { "run \($0): " } ?? ""
            return problems.map { prefix + $0.description }
        }
    }

    package var impacts: [Impact]

    /// Checks each deployment's variables (defaults and deployment layer, `required` not enforced) and
    /// each run's (all layers, `required` enforced), under the pool's undeclared-variables rule.
    package init(template: BaseJobTemplate, deployments: [Deployment], runs: [FlowRun], undeclared: UndeclaredVariables) {
        var impacts: [Impact] = []
        let byName = Dictionary(deployments.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for deployment in deployments.sorted(by: { $0.name < $1.name }) {
            let problems = template.validateJobVariables(
                deployment: .init(json: deployment.jobVariables, name: "deployment '\(deployment.name)' job_variables"),
                run: .init(nil, name: "run"),
                requireAll: false,
                undeclared: undeclared
            )
            if !problems.isEmpty { impacts.append(Impact(deploymentName: deployment.name, problems: problems)) }
        }
        for run in runs.sorted(by: { $0.id < $1.id }) {
            guard let deployment = byName[run.deploymentName] else { continue }
            let problems = template.validateJobVariables(
                deployment: .init(json: deployment.jobVariables, name: "deployment '\(deployment.name)' job_variables"),
                run: .init(json: run.jobVariables, name: "run \(run.id) job_variables"),
                requireAll: true,
                undeclared: undeclared
            )
            if !problems.isEmpty { impacts.append(Impact(deploymentName: deployment.name, runID: run.id, problems: problems)) }
        }
        self.impacts = impacts
    }

    package var isClean: Bool { impacts.isEmpty }

    /// The deployments the template no longer fits, each with its first problem: what a forced update marks.
    package var invalidDeployments: [String: String] {
        var result: [String: String] = [:]
        for impact in impacts where impact.runID == nil { result[impact.deploymentName] = impact.problems[0].description }
        return result
    }

    package var lines: [String] { impacts.flatMap(\.lines) }

    package var jsonValue: JSONValue {
        .array(
            impacts.map { impact in
                .object([
                    "deployment": .string(impact.deploymentName),
                    "run_id": impact.runID.map(JSONValue.string) ?? .null,
                    "problems": .array(impact.problems.map(\.jsonValue)),
                ])
            }
        )
    }
}
