import Foundation
import PushgateCore
import PushgateHTTPServer
import PushgateServer
import PushgateTestSupport
import Testing

/// The pages without a socket: the session gate, CSRF, cookies, headers, escaping and paging.
@Suite struct UIRouterTests {
    static let token = "ui-test-token"

    struct Browser {
        let router: UIRouter
        var cookies: [String: String] = [:]

        mutating func send(_ method: String, _ target: String, _ form: [(String, String)] = []) async -> ServerResponse {
            let parts = target.split(separator: "?", maxSplits: 1)
            let query = parts.count > 1 ? String(parts[1]) : ""
            let items = UIForm(query).fields.map { ServerRequest.QueryItem(name: $0.name, value: $0.value) }
            var headers = HTTPHeaders()
            if !cookies.isEmpty { headers.add("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            let body = form.map { "\(UIForm.encode($0.0))=\(UIForm.encode($0.1))" }.joined(separator: "&")
            let request = ServerRequest(
                method: method,
                path: String(parts[0]).removingPercentEncoding ?? String(parts[0]),
                target: target,
                query: query,
                queryItems: items,
                headers: headers,
                body: Data(body.utf8)
            )
            let response = await router.handle(request)
            for value in response.headers.values("Set-Cookie") {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                cookies[String(pair[0])] = pair.count > 1 && !pair[1].isEmpty ? String(pair[1]) : nil
            }
            return response
        }

        mutating func logIn(_ token: String = UIRouterTests.token) async -> ServerResponse {
            let page = await send("GET", "/ui/login")
            return await send("POST", "/ui/login", [("csrf", UIRouterTests.csrf(page)), ("token", token), ("next", "/ui/pools")])
        }
    }

    static func text(_ response: ServerResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    static func csrf(_ response: ServerResponse) -> String {
        let text = text(response)
        guard let range = text.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else { return "" }
        return String(text[range].dropFirst(19).dropLast())
    }

    func browser(_ h: ServerTestHarness, secure: Bool = false) -> Browser {
        Browser(router: UIRouter(api: h.router(), tokens: [Self.token], secureCookies: secure))
    }

    @Test func withoutASessionEveryPageRedirectsToTheLoginAndNoFormChangesAnything() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let run = try await h.createRuns("etl-high", count: 1)[0]
        var b = browser(h)
        for page in ["/ui/", "/ui/pools", "/ui/pools/pool", "/ui/pools/pool/chart.svg", "/ui/runs", "/ui/runs/\(run.id)", "/ui/templates"] {
            let response = await b.send("GET", page)
            #expect(response.status == 303, "\(page)")
            #expect(response.headers["Location"]?.hasPrefix("/ui/login?next=") == true, "\(page)")
        }
        for action in ["/ui/pools/pool/pause", "/ui/pools/pool/queues/high/pause", "/ui/runs/\(run.id)/cancel", "/ui/templates"] {
            let response = await b.send("POST", action, [("csrf", UIToken.random())])
            #expect(response.status == 303 && response.headers["Location"] == "/ui/login", "\(action)")
        }
        #expect(try await h.store.pool(named: "pool").isPaused == false)
        #expect(try await h.store.queue(pool: "pool", named: "high").isPaused == false)
        #expect(try await h.state(run) == .scheduled)
        // A cookie that is not a live session is no session.
        b.cookies["pushgate_session"] = UIToken.random()
        #expect(await b.send("GET", "/ui/pools").status == 303)
    }

    @Test func aPostWithoutTheCSRFTokenIsRefusedAndChangesNothing() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let run = try await h.createRuns("etl-high", count: 1)[0]
        var b = browser(h)
        #expect(await b.logIn().status == 303)
        let csrf = Self.csrf(await b.send("GET", "/ui/pools"))
        #expect(csrf.count == 64)
        for fields in [[], [("csrf", "")], [("csrf", UIToken.random())], [("csrf", String(csrf.dropLast()))]] {
            #expect(await b.send("POST", "/ui/pools/pool/queues/high/pause", fields).status == 403)
            #expect(await b.send("POST", "/ui/pools/pool/pause", fields).status == 403)
            #expect(await b.send("POST", "/ui/runs/\(run.id)/cancel", fields).status == 403)
        }
        #expect(try await h.store.pool(named: "pool").isPaused == false)
        #expect(try await h.store.queue(pool: "pool", named: "high").isPaused == false)
        #expect(try await h.state(run) == .scheduled)
        // With the token each works.
        #expect(await b.send("POST", "/ui/pools/pool/queues/high/pause", [("csrf", csrf)]).status == 303)
        #expect(try await h.store.queue(pool: "pool", named: "high").isPaused)
        #expect(Self.text(await b.send("GET", "/ui/pools")).contains("<span class=\"status status-PAUSED\">PAUSED</span>"))
        #expect(await b.send("POST", "/ui/runs/\(run.id)/cancel", [("csrf", csrf)]).status == 303)
        #expect(try await h.state(run) == .cancelled)
        // Logged out, the old cookie opens nothing.
        let old = b.cookies["pushgate_session"]
        #expect(await b.send("POST", "/ui/logout", [("csrf", csrf)]).headers["Location"] == "/ui/login")
        b.cookies["pushgate_session"] = old
        #expect(await b.send("GET", "/ui/pools").status == 303)
    }

    @Test func loginNeedsAValidTokenAndItsFormTokenAndSetsAStrictCookie() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        var b = browser(h)
        #expect(await b.logIn("wrong").status == 401)
        #expect(b.cookies["pushgate_session"] == nil)
        // A login posted from elsewhere (no form token bound to this browser's cookie) is refused.
        var stranger = browser(h)
        #expect(await stranger.send("POST", "/ui/login", [("csrf", UIToken.random()), ("token", Self.token)]).status == 403)
        let response = await b.logIn()
        #expect(response.status == 303)
        let cookie = try #require(response.headers.values("Set-Cookie").first { $0.hasPrefix("pushgate_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/ui") && !cookie.contains("Secure"))
        var secure = browser(h, secure: true)
        let secureCookie = await secure.logIn().headers.values("Set-Cookie").first { $0.hasPrefix("pushgate_session=") }
        #expect(secureCookie?.contains("; Secure") == true)
        // `next` only ever points into the pages.
        for next in ["//evil.example/", "https://evil.example/", "/ui/..//evil", "/\\evil"] {
            var c = browser(h)
            let page = await c.send("GET", "/ui/login")
            let answer = await c.send("POST", "/ui/login", [("csrf", Self.csrf(page)), ("token", Self.token), ("next", next)])
            #expect(answer.headers["Location"] == "/ui/pools", "\(next)")
        }
    }

    @Test func everyPageCarriesTheSecurityHeaders() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        var b = browser(h)
        _ = await b.logIn()
        for page in ["/ui/login", "/ui/pools", "/ui/pools/pool", "/ui/runs", "/ui/templates", "/ui/pools/pool/chart.svg", "/ui/nope"] {
            let response = await b.send("GET", page)
            #expect(
                response.headers["Content-Security-Policy"]
                    == "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                "\(page)"
            )
            #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        }
        #expect(await b.send("GET", "/ui/nope").status == 404)
        #expect(Self.text(await b.send("GET", "/ui/pools/pool/chart.svg")).hasPrefix("<svg"))
    }

    @Test func userInputIsShownEscaped() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let hostile = #""><img src=x onerror=alert(1)>"#
        let script = "<script>alert(1)</script>"
        let variables = JSONValue.object(["env": .object(["NOTE": .string(hostile), "S": .string(script)])]).serialized()
        let run = try await h.store.createRun(
            FlowRunSpec(deploymentName: "etl-high", jobVariables: variables, idempotencyKey: script + hostile),
            now: h.clock.now()
        ).run
        var b = browser(h)
        _ = await b.logIn()
        for page in ["/ui/runs", "/ui/runs/\(run.id)", "/ui/pools/pool"] {
            let text = Self.text(await b.send("GET", page))
            #expect(!text.contains("<script>") && !text.contains("<img src=x"), "\(page)")
        }
        let text = Self.text(await b.send("GET", "/ui/runs/\(run.id)"))
        #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        let pasted = Self.text(
            await b.send(
                "POST",
                "/ui/templates",
                [("csrf", Self.csrf(await b.send("GET", "/ui/templates"))), ("type", "ecs:push"), ("template", script)]
            )
        )
        #expect(!pasted.contains("<script>") && pasted.contains("&lt;script&gt;"))
    }

    @Test func theRunsListReadsOnePageNewestFirstAndFollowsItsCursor() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 120)
        _ = try await h.createRuns("etl-high", count: 3)
        var b = browser(h)
        _ = await b.logIn()
        var seen: [String] = []
        var target = "/ui/runs?pool=pool&queue=low"
        for _ in 0..<5 {
            let text = Self.text(await b.send("GET", target))
            let ids = text.matches(of: /<tr><td><a href="\/ui\/runs\/([0-9a-f-]{36})">/).map { String($0.1) }
            #expect(ids.count <= UIRouter.pageSize)
            seen += ids
            guard let next = text.firstMatch(of: /id="older" href="([^"]+)"/) else { break }
            target = String(next.1).replacingOccurrences(of: "&amp;", with: "&")
        }
        #expect(seen == runs.reversed().map(\.id))
        let failedPage = Self.text(await b.send("GET", "/ui/runs?state=Failed"))
        #expect(!failedPage.contains("<tr><td><a"))
    }

    @Test func thePoolsPageShowsQueuesWithTheirCountsAndNoSecret() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        try await h.createRuns("etl-critical", count: 2)
        try await h.createRuns("etl-low", count: 1, at: 3600)
        var b = browser(h)
        _ = await b.logIn()
        let text = Self.text(await b.send("GET", "/ui/pools"))
        #expect(text.contains("<dt>credentials profile</dt><dd>test</dd>"))
        #expect(
            text.contains(
                #"<tr id="queue-pool-critical"><td>critical</td><td>1</td><td><span class="status status-NOT_READY">NOT_READY</span></td><td>1</td><td>2</td><td>0</td><td>0</td>"#
            )
        )
        #expect(
            text.contains(
                #"<tr id="queue-pool-low"><td>low</td><td>10</td><td><span class="status status-NOT_READY">NOT_READY</span></td><td>none</td><td>0</td>"#
            )
        )
        #expect(!text.contains(Self.token))
        let pool = Self.text(await b.send("GET", "/ui/pools/pool"))
        #expect(pool.contains("queue full") || pool.contains("<td>next</td>"))
        #expect(pool.contains("not due yet"))
    }
}
