import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// `pushgate serve` with the emulators, its pages driven by headless Chromium as an operator would:
    /// log in, watch queues, pause one, follow a run to Completed, cancel a running one, check a template.
    /// Screenshots of each page go to `.build/ui-screenshots/`.
    @Suite struct BrowserUITests {
        static let script = "<script>document.title='owned'</script>"
        static let hostile = #""><img src=x onerror="document.title='owned'">"#

        static func queueStatus(_ row: String) -> String {
            for status in ["NOT_READY", "READY", "PAUSED"] where row.contains(" \(status) ") { return status }
            return row
        }

        @Test func anOperatorWatchesPoolsPausesAQueueFollowsAndCancelsRunsAndChecksATemplate() async throws {
            guard WebDriver.available() else { return }
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.3, running: 6))
            defer { Task { await h.close() } }
            try await h.pool(
                "etl",
                .ecs,
                limit: 5,
                queues: [("critical", 1, 1), ("high", 2, 3), ("low", 3, nil)],
                deployments: [
                    ("nightly", "critical", ["image": "registry.example/etl:1"], nil), ("hostile", "low", ["image": "registry.example/etl:1"], nil),
                ]
            )
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                let browser = try await WebDriver(http: http, directory: h.directory)
                do {
                    try await scenario(browser, h, http, base)
                } catch {
                    await browser.close()
                    throw error
                }
                await browser.close()
            }
            #expect(h.gateway?.terminate() == 0)
        }

        func scenario(_ browser: WebDriver, _ h: EndToEndHarness, _ http: CurlHTTPClient, _ base: String) async throws {
            do {
                var sources: [String] = []
                func page(_ path: String, _ shot: String) async throws {
                    try await browser.open(base + path)
                    sources.append(try await browser.source())
                    try await browser.screenshot(shot)
                }

                // No page opens without a session.
                for path in ["/ui/pools", "/ui/pools/etl", "/ui/runs", "/ui/templates", "/ui/pools/etl/chart.svg"] {
                    try await browser.open(base + path)
                    #expect(try await browser.currentURL().contains("/ui/login?next="), "\(path)")
                }
                try await browser.screenshot("login")
                try await browser.type("#token", "not-the-token")
                try await browser.submit("#login")
                #expect(try await browser.text("#login-problem") == "invalid API token")
                try await browser.type("#token", h.token)
                try await browser.submit("#login")
                #expect(try await browser.currentURL() == base + "/ui/pools/etl/chart.svg", "back where the login began")

                // Three queues, READY once the dispatcher has looked at them.
                for queue in ["critical", "high", "low"] {
                    let row = try await browser.waitFor("#queue-etl-\(queue)", reloading: base + "/ui/pools") { Self.queueStatus($0) == "READY" }
                    #expect(Self.queueStatus(row) == "READY", "\(queue): \(row)")
                }
                #expect(try await browser.text("#pool-etl").contains("credentials profile\n\(EmulatorSuite.profile)"))
                try await page("/ui/pools", "pools")
                try await browser.submit("#pause-queue-etl-high")
                #expect(try await browser.currentURL() == base + "/ui/pools")
                #expect(Self.queueStatus(try await browser.text("#queue-etl-high")) == "PAUSED")
                #expect(try await h.store.queue(pool: "etl", named: "high").isPaused)
                try await browser.screenshot("pools-queue-paused")

                // A state-changing POST without the CSRF token is refused and changes nothing; without the
                // session it goes to the login.
                let session = try #require(try await browser.cookie("pushgate_session"))
                let forged = try await http.execute(
                    HTTPRequest(
                        method: "POST",
                        url: base + "/ui/pools/etl/queues/low/pause",
                        headers: ["Cookie": "pushgate_session=\(session)", "Content-Type": "application/x-www-form-urlencoded"],
                        body: Data("back=%2Fui%2Fpools".utf8)
                    )
                )
                #expect(forged.status == 403)
                let anonymous = try await http.execute(HTTPRequest(method: "POST", url: base + "/ui/pools/etl/queues/low/pause", body: Data()))
                #expect(anonymous.status == 303 && anonymous.headers["Location"] == "/ui/login")
                #expect(try await h.store.queue(pool: "etl", named: "low").isPaused == false)

                // A run followed to Completed.
                let completed = try await h.runs("nightly", count: 1)[0]
                let state = try await browser.waitFor("#run-state", reloading: base + "/ui/runs/\(completed)", timeout: 60) { $0 == "Completed" }
                #expect(state == "Completed")
                let history = try await browser.text("#history")
                for step in ["Scheduled", "Pending", "Running", "Completed"] { #expect(history.contains(step), "\(history)") }
                #expect(try await browser.text("#run-handle").contains("arn:aws:ecs:"))
                #expect(try await browser.elements("#cancel").isEmpty)
                try await page("/ui/runs/\(completed)", "run-completed")

                // A running run cancelled from its page, and stopped at the emulator.
                let running = try await h.runs("nightly", count: 1)[0]
                let deadline = Date().addingTimeInterval(30)
                while try await h.store.run(id: running).state != .running && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
                try await browser.open(base + "/ui/runs/\(running)")
                #expect(try await browser.text("#run-state") == "Running")
                try await browser.submit("#cancel")
                let cancelled = try await browser.waitFor("#run-state", reloading: base + "/ui/runs/\(running)", timeout: 30) { $0 == "Cancelled" }
                #expect(cancelled == "Cancelled")
                #expect(h.suite.ecs.statistics.tasksStopped >= 1)
                try await page("/ui/runs/\(running)", "run-cancelled")

                // User input is shown as text: no element appears from it (checked in the DOM).
                let variables = JSONValue.object(["env": .object(["NOTE": .string(Self.hostile), "S": .string(Self.script)])]).serialized()
                let hostile = try await h.store.createRun(
                    FlowRunSpec(
                        deploymentName: "hostile",
                        scheduledTime: Date().addingTimeInterval(3600),
                        jobVariables: variables,
                        idempotencyKey: Self.script + Self.hostile
                    ),
                    now: Date()
                ).run
                for path in ["/ui/runs/\(hostile.id)", "/ui/runs", "/ui/pools/etl"] {
                    try await page(path, path == "/ui/runs" ? "runs" : path == "/ui/pools/etl" ? "pool-detail" : "run-hostile")
                    #expect(try await browser.elements("script").isEmpty, "\(path)")
                    #expect(try await browser.elements("img[src='x']").isEmpty, "\(path)")
                    #expect(try await browser.title() != "owned")
                }
                try await browser.open(base + "/ui/runs/\(hostile.id)")
                #expect(try await browser.text("#run-key") == Self.script + Self.hostile)
                let shownVariables = try await browser.text("#job-variables")
                #expect(shownVariables.contains(Self.script) && shownVariables.contains(#"\"><img src=x onerror=\"document.title='owned'\">"#))
                try await browser.open(base + "/ui/pools/etl")
                #expect(try await browser.text("#preview").contains("not due yet"))
                #expect(try await browser.text("#variables").contains("image"))

                // A bad template: its problem and its JSON path.
                try await browser.open(base + "/ui/templates")
                try await browser.type(
                    "textarea#template",
                    #"{"job_configuration": {"image": "{{ nope }}"}, "variables": {"type": "object", "properties": {}}}"#
                )
                try await browser.submit("#check")
                let problems = try await browser.text("#problems")
                #expect(problems.contains("$.job_configuration.image") && problems.contains("undeclared variable 'nope'"), "\(problems)")
                sources.append(try await browser.source())
                try await browser.screenshot("templates-problem")

                // No planted secret on any page.
                let credentials = try String(contentsOfFile: h.suite.credentialsPath, encoding: .utf8)
                let secrets =
                    credentials.split(separator: "\n").compactMap { line -> String? in
                        let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                        return parts.count == 2 && ["secret_access_key", "client_secret"].contains(parts[0]) ? parts[1] : nil
                    } + [h.token, session, "PRIVATE KEY"]
                #expect(secrets.count == 5)
                let everything = sources.joined()
                for secret in secrets { #expect(!everything.contains(secret), "a secret is on a page") }

                // Logged out, the pages are closed again.
                try await browser.submit("#logout")
                try await browser.open(base + "/ui/pools")
                #expect(try await browser.currentURL().contains("/ui/login"))
            }
        }
    }
}
