import Foundation
import PushgateCore
import PushgateHTTPServer

/// The runs list (one indexed page, newest first) and a run's page: variables, the rendered job as a dry
/// run shows it, the provider handle, the history and a Cancel button.
extension UIRouter {
    func runsPage(_ request: ServerRequest, csrf: String) async throws -> ServerResponse {
        func value(_ name: String) -> String? {
            guard let text = request.queryValue(name)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        var filter = FlowRunFilter(
            poolName: value("pool"),
            deploymentName: value("deployment"),
            queueName: value("queue"),
            scheduledFrom: try value("from").map { try Self.time($0, field: "from") },
            scheduledUntil: try value("until").map { try Self.time($0, field: "until") },
            order: .newestFirst,
            limit: Self.pageSize + 1
        )
        if let state = value("state") {
            guard let parsed = RunState(name: state) ?? RunState.allCases.first(where: { $0.displayName == state }) else {
                throw UIError(.badRequest, "unknown state '\(state)'")
            }
            filter.states = [parsed]
        }
        if let after = value("after") {
            guard let cursor = FlowRunFilter.Cursor(token: after) else { throw UIError(.badRequest, "malformed page cursor '\(after)'") }
            filter.after = cursor
        }
        var runs = try await api.store.runs(filter)
        let more = runs.count > Self.pageSize
        if more { runs.removeLast() }
        let rows = runs.map { run -> HTML in
            """
            <tr><td><a href="\(UIPage.path("runs", run.id))">\(run.id)</a></td><td class="state-\(run.state.displayName)">\(run.state.displayName)</td>\
            <td>\(run.poolName)</td><td>\(run.queueName)</td><td>\(run.deploymentName)</td><td>\(UIPage.time(run.scheduledTime))</td>\
            <td>\(run.idempotencyKey)</td><td>\(run.stateReason)</td></tr>
            """
        }
        var next: HTML = ""
        if more, let last = runs.last {
            var items = ["state", "pool", "deployment", "queue", "from", "until"].compactMap { name in
                value(name).map { "\(name)=\(UIForm.encode($0))" }
            }
            items.append("after=" + UIForm.encode(FlowRunFilter.Cursor(after: last).token))
            next = "<p><a id=\"older\" href=\"/ui/runs?\(items.joined(separator: "&"))\">Older runs →</a></p>"
        }
        let stateOptions = ([""] + RunState.allCases.map(\.displayName)).map { name -> HTML in
            "<option value=\"\(name)\"\(value("state") == name ? " selected" : "")>\(name.isEmpty ? "any" : name)</option>"
        }
        func input(_ name: String, _ placeholder: String) -> HTML {
            "<label>\(name)<input name=\"\(name)\" value=\"\(value(name))\" placeholder=\"\(placeholder)\"></label>"
        }
        return UIPage.render(
            "Runs",
            csrf: csrf,
            """
            <h1>Runs</h1><form class="filters" method="get" action="/ui/runs"><label>state<select name="state">\(stateOptions)</select></label>\
            \(input("pool", "any"))\(input("queue", "any"))\(input("deployment", "any"))\
            \(input("from", "2026-01-01T00:00:00Z"))\(input("until", "2026-01-02T00:00:00Z"))<button type="submit" id="filter">Filter</button></form>
            <p class="muted">Newest scheduled first, \(Self.pageSize) a page.</p>
            <table id="runs"><thead><tr><th>run</th><th>state</th><th>pool</th><th>queue</th><th>deployment</th><th>scheduled</th>\
            <th>idempotency key</th><th>reason</th></tr></thead><tbody>\(rows)</tbody></table>\(next)
            """
        )
    }

    /// An ISO 8601 time, or the `YYYY-MM-DDTHH:MM` a datetime input sends (read as UTC).
    static func time(_ text: String, field: String) throws -> Date {
        for candidate in [text, text + ":00Z", text + "Z"] {
            if let date = try? Date(candidate, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: candidate.contains("."))) {
                return date
            }
        }
        throw UIError(.badRequest, "\(field) must be an ISO 8601 time, got '\(text)'")
    }

    func runPage(_ id: String, csrf: String, now: Date) async throws -> ServerResponse {
        let run = try await api.store.run(id: id)
        let history = try await api.store.history(runID: id).map { transition -> HTML in
            """
            <tr><td>\(UIPage.time(transition.at))</td><td>\(transition.from?.displayName ?? "—")</td>\
            <td class="state-\(transition.to.displayName)">\(transition.to.displayName)</td><td>\(transition.reason)</td></tr>
            """
        }
        let cancel: HTML =
            run.state.isTerminal || run.state == .cancelling
            ? "" : UIPage.button("Cancel run", action: UIPage.path("runs", run.id, "cancel"), csrf: csrf, id: "cancel")
        let rendered = await renderedJob(run, now: now)
        let handle: HTML =
            run.providerHandle.map { handle in
                rendered.consoleURL.map { "\(handle) (<a id=\"console\" href=\"\($0)\" rel=\"noreferrer\">console</a>)" } ?? "\(handle)"
            } ?? "—"
        return UIPage.render(
            "Run \(run.id)",
            csrf: csrf,
            """
            <h1>Run <span id="run-id">\(run.id)</span> <span id="run-state" class="state-\(run.state.displayName)">\(run.state.displayName)</span> \(cancel)</h1>
            <section class="card"><dl><dt>reason</dt><dd id="run-reason">\(run.stateReason)</dd>\
            <dt>pool</dt><dd><a href="\(UIPage.path("pools", run.poolName))">\(run.poolName)</a></dd><dt>queue</dt><dd>\(run.queueName)</dd>\
            <dt>deployment</dt><dd>\(run.deploymentName)</dd><dt>scheduled</dt><dd>\(UIPage.time(run.scheduledTime))</dd>\
            <dt>attempt</dt><dd>\(run.attempt)</dd><dt>idempotency key</dt><dd id="run-key">\(run.idempotencyKey ?? "—")</dd>\
            <dt>provider handle</dt><dd id="run-handle">\(handle)</dd><dt>tracking note</dt><dd>\(run.trackingNote ?? "—")</dd>\
            <dt>template version</dt><dd>\(run.templateVersion.map(String.init) ?? "—")</dd></dl></section>
            <h2>State history</h2><table id="history"><thead><tr><th>at</th><th>from</th><th>to</th><th>reason</th></tr></thead><tbody>\(history)</tbody></table>
            <h2>Job variables</h2><pre id="job-variables">\(ModelJSON.document(run.jobVariables ?? "{}").serialized(pretty: true))</pre>
            \(rendered.html)
            """
        )
    }

    /// What the run was (or will be) sent as: the rendered configuration, and the provider's requests as
    /// `pushgate dry-run` shows them, secrets redacted; and the workload's page in the provider's console,
    /// which needs the same rendered job. Rendering problems are shown instead of failing the page.
    func renderedJob(_ run: FlowRun, now: Date) async -> (html: HTML, consoleURL: String?) {
        do {
            var pool = try await api.store.pool(named: run.poolName)
            if let version = run.templateVersion { pool.baseJobTemplate = try await api.store.poolTemplate(pool: pool.name, version: version) }
            let deployment = try await api.store.deployment(named: run.deploymentName)
            var attempt = run
            attempt.attempt = max(1, run.attempt)
            let job: SubmissionJob
            do {
                job = try SubmissionPlan.job(run: attempt, pool: pool, deployment: deployment, now: now)
            } catch {
                return ("<h2>Rendered job</h2><ul class=\"problem\">\(error.problems.map { "<li>\($0.description)</li>" as HTML })</ul>", nil)
            }
            var requests: HTML = ""
            var consoleURL: String?
            if let providers = api.providers {
                do {
                    let provider = try providers.provider(for: pool)
                    consoleURL = run.providerHandle.flatMap { provider.consoleURL(ProviderHandle($0), job: job) }
                    let steps = try await provider.dryRunSteps(job)
                    requests = HTML.join(
                        steps.map { step -> HTML in
                            switch step {
                            case .request(let sent):
                                let request = redact(sent)
                                let headers = request.headers.fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                                let body = String(decoding: request.body, as: UTF8.self)
                                let shown = (try? JSONValue.parse(request.body).serialized(pretty: true)) ?? body
                                return "<pre class=\"request\">\(request.method) \(request.url)\n\(headers)\n\n\(shown)</pre>"
                            case .command(let command):
                                let words = command.arguments.joined(separator: " ")
                                let environment = command.environment.joined(separator: "\n")
                                return "<pre class=\"request\">$ \(words)\n(in \(command.workingDirectory))\n\n\(environment)</pre>"
                            }
                        }
                    )
                } catch {
                    requests = "<p class=\"problem\">the requests cannot be shown: \(String(describing: error))</p>"
                }
            }
            let html: HTML = """
                <h2>Rendered job</h2><pre id="rendered-job">\(job.configuration.serialized(pretty: true))</pre>
                <h2>Requests (dry run, secrets redacted)</h2>\(requests)
                """
            return (html, consoleURL)
        } catch {
            return ("<h2>Rendered job</h2><p class=\"problem\">\(String(describing: error))</p>", nil)
        }
    }
}
