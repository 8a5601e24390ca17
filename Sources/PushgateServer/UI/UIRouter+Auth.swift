import Foundation
import PushgateCore
import PushgateHTTPServer

/// Login and logout: an API token is exchanged once for a session cookie; the token itself is never
/// stored in the browser.
extension UIRouter {
    func loginPage(next: String?, problem: String?, status: Int = 200) -> ServerResponse {
        // The login form has its own CSRF token, bound to a short-lived cookie (double submit), so another
        // site cannot log a browser into this one with a token of its choosing.
        let token = UIToken.random()
        let problemHTML: HTML = problem.map { "<p class=\"problem\" id=\"login-problem\">\($0)</p>" } ?? ""
        var response = UIPage.render(
            "Log in",
            csrf: nil,
            status: status,
            """
            <section class="card login"><h1>Log in</h1>\(problemHTML)
            <form method="post" action="/ui/login"><input type="hidden" name="csrf" value="\(token)">
            <input type="hidden" name="next" value="\(Self.localPath(next) ?? "/ui/pools")">
            <label for="token">API token</label><input type="password" id="token" name="token" autocomplete="current-password" required>
            <button type="submit" id="login">Log in</button></form>
            <p class="muted">A token from <code>--token</code> or <code>PUSHGATE_API_TOKENS</code>.</p></section>
            """
        )
        response.headers.add("Set-Cookie", cookie(Self.loginCookie, token, maxAge: 600))
        return response
    }

    func login(_ request: ServerRequest, now: Date) -> ServerResponse {
        let form = UIForm(request.bodyText)
        guard let expected = UIForm.cookie(Self.loginCookie, in: request.headers["Cookie"]), let presented = form["csrf"],
            UIToken.equal(presented, expected)
        else {
            return loginPage(next: form["next"], problem: "the login form expired or came from another site; try again", status: 403)
        }
        guard let token = form["token"], APIServer.authorized("Bearer " + token, tokens: tokens) else {
            return loginPage(next: form["next"], problem: "invalid API token", status: 401)
        }
        let session = sessions.create(now: now)
        var headers = HTTPHeaders()
        headers.add("Set-Cookie", cookie(Self.sessionCookie, session.id, maxAge: nil))
        headers.add("Set-Cookie", cookie(Self.loginCookie, "", maxAge: 0))
        return UIPage.redirect(Self.localPath(form["next"]) ?? "/ui/pools", headers: headers)
    }

    func logout(_ session: UISessionStore.Session) -> ServerResponse {
        sessions.end(id: session.id)
        var headers = HTTPHeaders()
        headers.add("Set-Cookie", cookie(Self.sessionCookie, "", maxAge: 0))
        return UIPage.redirect("/ui/login", headers: headers)
    }

    /// A `Set-Cookie` value scoped to the pages: HttpOnly (no script reads it), SameSite=Strict (no other
    /// site's request carries it), Secure unless on loopback.
    func cookie(_ name: String, _ value: String, maxAge: Int?) -> String {
        var parts = ["\(name)=\(value)", "Path=/ui", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
