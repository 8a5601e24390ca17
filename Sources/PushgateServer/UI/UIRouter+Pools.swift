import Foundation
import PushgateCore
import PushgateHTTPServer

/// The pools page and a pool's page: status, limits, depth and in-flight counts per queue, the template
/// and the preview of what goes next and why held runs wait.
extension UIRouter {
    /// Counts of one queue's runs, from the store's per-state counts plus one indexed count of due runs.
    struct QueueCounts {
        var due = 0
        var late = 0
        var inFlight = 0
    }

    func poolsPage(csrf: String, now: Date) async throws -> ServerResponse {
        let counts = try await api.store.liveRunCounts()
        var sections: [HTML] = []
        for pool in try await api.store.pools() {
            let queues = try await api.store.queues(pool: pool.name)
            let status = ModelJSON.status(pool, queues: queues, now: now)
            let inFlight = counts.filter { $0.poolName == pool.name && $0.state.isInFlight }.reduce(0) { $0 + $1.count }
            let toggle = pool.isPaused ? "resume" : "pause"
            let button = UIPage.button(
                pool.isPaused ? "Resume pool" : "Pause pool",
                action: UIPage.path("pools", pool.name, toggle),
                csrf: csrf,
                id: "\(toggle)-pool-\(pool.name)"
            )
            sections.append(
                """
                <section class="card" id="pool-\(pool.name)"><h2><a href="\(UIPage.path("pools", pool.name))">\(pool.name)</a> \
                <span class="status status-\(status.rawValue)" id="pool-status-\(pool.name)">\(status.rawValue)</span> \(button)</h2>
                <dl><dt>type</dt><dd>\(pool.type)</dd><dt>paused</dt><dd>\(pool.isPaused ? "yes" : "no")</dd>\
                <dt>concurrency limit</dt><dd>\(UIPage.limit(pool.concurrencyLimit))</dd><dt>in flight</dt><dd>\(inFlight)</dd>\
                <dt>credentials profile</dt><dd>\(pool.credentialsProfile ?? "—")</dd>\
                \(pool.statusReason.map { "<dt>cannot submit</dt><dd class=\"problem\">\($0)</dd>" as HTML } ?? "")</dl>
                \(try await queueTable(pool, queues, counts: counts, csrf: csrf, back: "/ui/pools", now: now))</section>
                """
            )
        }
        let body: HTML = sections.isEmpty ? "<p>No pools yet (<code>pushgate pool create</code>).</p>" : HTML.join(sections)
        return UIPage.render("Pools", csrf: csrf, "<h1>Pools</h1>\(body)")
    }

    func queueTable(_ pool: WorkPool, _ queues: [WorkQueue], counts: [RunCount], csrf: String, back: String, now: Date) async throws -> HTML {
        var rows: [HTML] = []
        for queue in queues {
            var c = QueueCounts()
            for count in counts where count.poolName == pool.name && count.queueName == queue.name {
                if count.state == .late { c.late += count.count }
                if count.state.isInFlight { c.inFlight += count.count }
            }
            c.due = try await api.store.countRuns(
                FlowRunFilter(states: RunState.schedulable, poolName: pool.name, queueName: queue.name, scheduledUntil: now.addingTimeInterval(0.001))
            )
            let status = queue.status(now: now)
            let toggle = queue.isPaused ? "resume" : "pause"
            rows.append(
                """
                <tr id="queue-\(pool.name)-\(queue.name)"><td>\(queue.name)</td><td>\(queue.priority)</td>\
                <td><span class="status status-\(status.rawValue)">\(status.rawValue)</span></td><td>\(UIPage.limit(queue.concurrencyLimit))</td>\
                <td>\(c.due)</td><td>\(c.late)</td><td>\(c.inFlight)</td>\
                <td><a href="/ui/runs?pool=\(UIForm.encode(pool.name))&amp;queue=\(UIForm.encode(queue.name))">runs</a> \
                <form class="inline" method="post" action="\(UIPage.path("pools", pool.name, "queues", queue.name, toggle))">\
                \(UIPage.csrfField(csrf))<input type="hidden" name="back" value="\(back)">\
                <button type="submit" id="\(toggle)-queue-\(pool.name)-\(queue.name)">\(queue.isPaused ? "Resume" : "Pause")</button></form></td></tr>
                """
            )
        }
        return """
            <table class="queues"><thead><tr><th>queue</th><th>priority</th><th>status</th><th>limit</th><th>due</th><th>late</th>\
            <th>in flight</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    func poolPage(_ name: String, csrf: String, now: Date) async throws -> ServerResponse {
        let pool = try await api.store.pool(named: name)
        let queues = try await api.store.queues(pool: name)
        let counts = try await api.store.liveRunCounts()
        let status = ModelJSON.status(pool, queues: queues, now: now)
        let deployments = try await api.store.deployments(pool: name).map { deployment -> HTML in
            """
            <tr><td>\(deployment.name)</td><td>\(deployment.queueName)</td><td>\(UIPage.limit(deployment.concurrencyLimit))</td>\
            <td><pre>\(ModelJSON.document(deployment.jobVariables ?? "{}").serialized(pretty: true))</pre></td>\
            <td class="problem">\(deployment.invalidReason)</td></tr>
            """
        }
        let document = ModelJSON.document(pool.baseJobTemplate)
        let properties = document["variables"]?["properties"]?.objectValue ?? [:]
        let variables = properties.keys.sorted().map { key -> HTML in
            let schema = properties[key] ?? .null
            let type =
                schema["type"].map { $0.stringValue ?? $0.serialized() } ?? (schema["$ref"] != nil || schema["allOf"] != nil ? "reference" : "")
            return """
                <tr><td>\(key)</td><td>\(type)</td><td>\(schema["default"].map { $0.serialized() } ?? "")</td>\
                <td>\(schema["description"]?.stringValue ?? schema["title"]?.stringValue ?? "")</td></tr>
                """
        }
        let preview = try await api.store.preview(pool: name, now: now, upcoming: 10).map { entry -> HTML in
            let verdict: HTML
            switch entry.verdict {
            case .next: verdict = "<td>next</td><td></td>"
            case .held(let reason):
                let detail = reason == .poolCannotSubmit ? pool.statusReason.map { ": " + $0 } ?? "" : ""
                verdict = "<td>held</td><td>\(reason.phrase + detail)</td>"
            }
            return """
                <tr><td><a href="\(UIPage.path("runs", entry.run.id))">\(entry.run.id)</a></td><td>\(entry.run.deploymentName)</td>\
                <td>\(entry.run.queueName)</td><td>\(UIPage.time(entry.run.scheduledTime))</td><td>\(entry.run.state.displayName)</td>\(verdict)</tr>
                """
        }
        return UIPage.render(
            pool.name,
            csrf: csrf,
            """
            <h1>Pool \(pool.name) <span class="status status-\(status.rawValue)">\(status.rawValue)</span></h1>
            <section class="card"><dl><dt>type</dt><dd>\(pool.type)</dd><dt>concurrency limit</dt><dd>\(UIPage.limit(pool.concurrencyLimit))</dd>\
            <dt>credentials profile</dt><dd>\(pool.credentialsProfile ?? "—")</dd><dt>template version</dt><dd>\(pool.templateVersion)</dd></dl>
            <h2>Last hour</h2><img class="chart" src="\(UIPage.path("pools", pool.name, "chart.svg"))" \
            alt="submissions and terminal states per minute over the last hour" width="720" height="200"></section>
            <h2>Queues</h2>\(try await queueTable(pool, queues, counts: counts, csrf: csrf, back: UIPage.path("pools", pool.name), now: now))
            <h2>Next runs and held runs</h2><table id="preview"><thead><tr><th>run</th><th>deployment</th><th>queue</th><th>scheduled</th>\
            <th>state</th><th>verdict</th><th>reason</th></tr></thead><tbody>\(preview)</tbody></table>
            <h2>Deployments</h2><table><thead><tr><th>name</th><th>queue</th><th>limit</th><th>job variables</th><th>invalid</th></tr></thead>\
            <tbody>\(deployments)</tbody></table>
            <h2>Template variables</h2><table id="variables"><thead><tr><th>name</th><th>type</th><th>default</th><th>description</th></tr></thead>\
            <tbody>\(variables)</tbody></table>
            <h2>Base job template</h2><pre id="template">\(document.serialized(pretty: true))</pre>
            """
        )
    }
}
