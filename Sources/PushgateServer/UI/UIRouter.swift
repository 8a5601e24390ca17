import Foundation
import PushgateCore
import PushgateHTTPServer

/// The web pages under `/ui/`: server-rendered HTML over the same store and logic as the JSON API. A browser
/// logs in with an API token and gets a session cookie; every other page needs that session, and every POST
/// the session's CSRF token. Testable without sockets, like ``APIRouter``.
package struct UIRouter: Sendable {
    static let sessionCookie = "pushgate_session"
    static let loginCookie = "pushgate_login"
    package static let pageSize = 50

    let api: APIRouter
    let sessions: UISessionStore
    let tokens: [[UInt8]]
    /// `Secure` on the cookies: on unless the API listens on loopback (plain HTTP there is the norm).
    let secureCookies: Bool
    /// Hides secrets in the dry-run requests a run page shows (the CLI passes the providers' redaction).
    let redact: @Sendable (HTTPRequest) -> HTTPRequest

    package init(
        api: APIRouter,
        tokens: [String],
        secureCookies: Bool,
        sessions: UISessionStore = UISessionStore(),
        redact: @escaping @Sendable (HTTPRequest) -> HTTPRequest = UIRouter.redactHeaders
    ) {
        self.api = api
        self.tokens = tokens.map { Array($0.utf8) }
        self.secureCookies = secureCookies
        self.sessions = sessions
        self.redact = redact
    }

    /// Whether `path` is one of the pages (the API server sends these here instead of the JSON router).
    package static func owns(_ path: String) -> Bool { path == "/ui" || path.hasPrefix("/ui/") }

    package func handle(_ request: ServerRequest) async -> ServerResponse {
        let segments = Array(request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).dropFirst())
        let now = api.clock.now()
        switch (request.method, segments) {
        case ("GET", ["style.css"]):
            var headers = UIPage.securityHeaders()
            headers.replace("Cache-Control", "max-age=300")
            headers.add("Content-Type", "text/css; charset=utf-8")
            return ServerResponse(status: 200, headers: headers, body: Data(UIStylesheet.css.utf8))
        case ("GET", ["login"]): return loginPage(next: request.queryValue("next"), problem: nil)
        case ("POST", ["login"]): return login(request, now: now)
        default: break
        }
        guard let session = sessions.session(id: UIForm.cookie(Self.sessionCookie, in: request.headers["Cookie"]), now: now) else {
            let next = request.method == "GET" ? "?next=" + UIForm.encode(request.target) : ""
            return UIPage.redirect("/ui/login" + next)
        }
        var form = UIForm("")
        if request.method == "POST" {
            form = UIForm(request.bodyText)
            guard let presented = form["csrf"], UIToken.equal(presented, session.csrfToken) else {
                return UIPage.error(UIError(.forbidden, "missing or invalid CSRF token; nothing was changed"), csrf: session.csrfToken)
            }
        } else if request.method != "GET" {
            return UIPage.error(UIError(.badRequest, "pages answer GET and POST only"), csrf: session.csrfToken)
        }
        do {
            return try await route(request, segments, form: form, session: session, now: now)
        } catch let error as UIError {
            return UIPage.error(error, csrf: session.csrfToken)
        } catch let error as APIError {
            return UIPage.error(UIError(error), csrf: session.csrfToken)
        } catch let error as StoreError {
            return UIPage.error(UIError(APIError(error)), csrf: session.csrfToken)
        } catch {
            return UIPage.error(UIError(.badRequest, "\(error)"), csrf: session.csrfToken)
        }
    }

    private func route(
        _ request: ServerRequest,
        _ path: [String],
        form: UIForm,
        session: UISessionStore.Session,
        now: Date
    ) async throws -> ServerResponse {
        let csrf = session.csrfToken
        switch (request.method, path.count, path.first) {
        case ("GET", 0, _): return UIPage.redirect("/ui/pools")
        case ("POST", 1, "logout"): return logout(session)
        case ("GET", 1, "pools"): return try await poolsPage(csrf: csrf, now: now)
        case ("GET", 2, "pools"): return try await poolPage(path[1], csrf: csrf, now: now)
        case ("GET", 3, "pools") where path[2] == "chart.svg": return try await poolChart(path[1], now: now)
        case ("POST", 3, "pools") where path[2] == "pause" || path[2] == "resume":
            _ = try await api.store.updatePool(named: path[1], WorkPoolUpdate(isPaused: path[2] == "pause"), now: now)
            return UIPage.redirect(Self.localPath(form["back"]) ?? "/ui/pools")
        case ("POST", 5, "pools") where path[2] == "queues" && (path[4] == "pause" || path[4] == "resume"):
            _ = try await api.store.updateQueue(pool: path[1], named: path[3], WorkQueueUpdate(isPaused: path[4] == "pause"), now: now)
            return UIPage.redirect(Self.localPath(form["back"]) ?? "/ui/pools")
        case ("GET", 1, "runs"): return try await runsPage(request, csrf: csrf)
        case ("GET", 2, "runs"): return try await runPage(path[1], csrf: csrf, now: now)
        case ("POST", 3, "runs") where path[2] == "cancel":
            _ = try await api.store.requestCancel(runID: path[1], reason: "cancelled from the web page", now: now)
            return UIPage.redirect(UIPage.path("runs", path[1]))
        case ("GET", 1, "templates"): return try await templatesPage(form: nil, csrf: csrf, now: now)
        case ("POST", 1, "templates"): return try await templatesPage(form: form, csrf: csrf, now: now)
        default: throw UIError(.notFound, "no page \(request.method) \(request.path)")
        }
    }

    /// `path` when it is a page of this site (`/ui/...`), so a redirect target from a form or query can
    /// never send the browser elsewhere (`//host`, `https:`, backslashes).
    static func localPath(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/ui/") || path == "/ui", !path.contains("//"), !path.contains("\\"),
            !path.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F })
        else { return nil }
        return path
    }

    /// The default redaction: every header value but a few that carry no credential is hidden.
    package static let redactHeaders: @Sendable (HTTPRequest) -> HTTPRequest = { request in
        let shown: Set<String> = ["content-type", "content-length", "host", "x-amz-target", "x-amz-date", "accept", "user-agent"]
        var copy = request
        var headers = HTTPHeaders()
        for field in request.headers { headers.add(field.name, shown.contains(field.name.lowercased()) ? field.value : "<redacted>") }
        copy.headers = headers
        return copy
    }
}
