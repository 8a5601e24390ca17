import Foundation
import PushgateCore
import PushgateHTTPServer

/// The templates page: paste a base job template, pick a type, see each problem with its JSON path, and
/// see what it renders to for one deployment's variables (nothing is stored or sent).
extension UIRouter {
    func templatesPage(form: UIForm?, csrf: String, now: Date) async throws -> ServerResponse {
        let text = form?["template"] ?? ""
        let typeName = form?["type"] ?? api.catalog.kinds.first?.rawValue ?? ""
        let deploymentName = form?["deployment"] ?? ""
        var result: HTML = ""
        if let form, form["template"] != nil {
            result = await check(text, typeName: typeName, deploymentName: deploymentName, now: now)
        }
        let types = api.catalog.kinds.map { kind -> HTML in
            "<option value=\"\(kind.rawValue)\"\(kind.rawValue == typeName ? " selected" : "")>\(kind.rawValue)</option>"
        }
        let deployments =
            ["<option value=\"\">(none)</option>" as HTML]
            + (try await api.store.deployments(pool: nil)).map { deployment -> HTML in
                let label = "\(deployment.name) (pool \(deployment.poolName))"
                return "<option value=\"\(deployment.name)\"\(deployment.name == deploymentName ? " selected" : "")>\(label)</option>"
            }
        return UIPage.render(
            "Templates",
            csrf: csrf,
            """
            <h1>Check a base job template</h1><form method="post" action="/ui/templates">\(UIPage.csrfField(csrf))
            <div class="filters"><label>type<select name="type" id="type">\(types)</select></label>\
            <label>dry run against deployment<select name="deployment" id="deployment">\(deployments)</select></label>\
            <button type="submit" id="check">Check</button></div>
            <textarea name="template" id="template" spellcheck="false" placeholder="{&quot;job_configuration&quot;: {…}, &quot;variables&quot;: {…}}">\(text)</textarea>
            </form>\(result)
            """
        )
    }

    private func check(_ text: String, typeName: String, deploymentName: String, now: Date) async -> HTML {
        guard let type = api.catalog.type(forPoolType: typeName) else {
            return "<p class=\"problem\">unknown type '\(typeName)' (supported: \(api.catalog.supportedTypes))</p>"
        }
        let template: BaseJobTemplate
        var problems: [TemplateProblem]
        do {
            template = try BaseJobTemplate(data: Data(text.utf8), file: "template")
            problems = template.problems(for: type)
        } catch {
            return problemList(error.problems)
        }
        if !problems.isEmpty { return problemList(problems) }
        var out: HTML = "<p id=\"valid\">The template is valid for \(type.kind.rawValue).</p>"
        guard !deploymentName.isEmpty else { return out }
        do {
            let deployment = try await api.store.deployment(named: deploymentName)
            var pool = try await api.store.pool(named: deployment.poolName)
            guard pool.type == type.kind.rawValue else {
                return out + "<p class=\"problem\">deployment '\(deployment.name)' is on a \(pool.type) pool, not \(type.kind.rawValue)</p>"
            }
            pool.baseJobTemplate = text
            let run = FlowRun.dryRun(id: "00000000-0000-0000-0000-000000000000", deployment: deployment, pool: pool, jobVariables: nil, now: now)
            do {
                let job = try SubmissionPlan.job(run: run, template: template, pool: pool, deployment: deployment, now: now)
                problems = api.providers.map { (try? $0.provider(for: pool).validate(job)) ?? [] } ?? []
                if !problems.isEmpty { return out + problemList(problems) }
                out =
                    out
                    + "<h2>Rendered for deployment \(deployment.name)</h2><pre id=\"rendered\">\(job.configuration.serialized(pretty: true))</pre>"
            } catch {
                out = out + "<h2>Deployment \(deployment.name) does not fit</h2>" + problemList(error.problems)
            }
            return out
        } catch {
            return out + "<p class=\"problem\">\(String(describing: error))</p>"
        }
    }

    private func problemList(_ problems: [TemplateProblem]) -> HTML {
        let rows = problems.map { problem -> HTML in
            let at = problem.line.map { line in "line \(line), column \(problem.column ?? 0)" } ?? problem.path?.description ?? "$"
            return "<tr><td class=\"path\">\(at)</td><td>\(problem.message)</td></tr>"
        }
        return """
            <h2 class="problem">\(problems.count) problem(s)</h2><table id="problems"><thead><tr><th>where</th><th>problem</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }
}
