import Foundation

/// Turns a claimed run into what its provider submits: the pool's template rendered with the merged
/// job variables (defaults < deployment < run), validated, with the run identity injected and null env
/// values dropped. Pure; the dispatcher and `pushgate dry-run --pool` share it.
package enum SubmissionPlan {
    /// The submission job for `run`, or the problems that make it unsubmittable.
    package static func job(run: FlowRun, pool: WorkPool, deployment: Deployment, now: Date) throws(TemplateError) -> SubmissionJob {
        let template = try BaseJobTemplate(data: Data(pool.baseJobTemplate.utf8), file: "pool '\(pool.name)' template")
        return try job(run: run, template: template, pool: pool, deployment: deployment, now: now)
    }

    /// As above with an already parsed template (the dispatcher caches one per pool).
    package static func job(
        run: FlowRun,
        template: BaseJobTemplate,
        pool: WorkPool,
        deployment: Deployment,
        now: Date
    ) throws(TemplateError) -> SubmissionJob {
        let deploymentLayer = BaseJobTemplate.VariableSource(json: deployment.jobVariables, name: "deployment '\(deployment.name)' job_variables")
        let runLayer = BaseJobTemplate.VariableSource(json: run.jobVariables, name: "run \(run.id) job_variables")
        let rendered = try template.render(deployment: deploymentLayer, run: runLayer)
        let identity = RunIdentity(runID: run.id, deployment: deployment.name, pool: pool.name, queue: run.queueName)
        return SubmissionJob(
            runID: run.id,
            attempt: run.attempt,
            poolName: pool.name,
            deploymentName: deployment.name,
            queueName: run.queueName,
            idempotencyKey: run.submissionKey,
            configuration: rendered.injecting(identity),
            secretValues: template.secretValues(deployment: deploymentLayer, run: runLayer),
            now: now
        )
    }
}
