import Foundation
import PushgateCore
import PushgateHTTPServer

/// The frame every page shares, and the headers every `/ui` answer carries: a Content-Security-Policy that
/// allows only this origin's stylesheet, images and form targets (no script at all), no caching, no framing.
enum UIPage {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func securityHeaders() -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add("Content-Security-Policy", contentSecurityPolicy)
        headers.add("X-Content-Type-Options", "nosniff")
        headers.add("X-Frame-Options", "DENY")
        headers.add("Referrer-Policy", "no-referrer")
        headers.add("Cache-Control", "no-store")
        return headers
    }

    /// A whole page; `csrf` nil for the login page (no navigation, no logout).
    static func render(_ title: String, csrf: String?, status: Int = 200, _ body: HTML) -> ServerResponse {
        let navigation: HTML =
            csrf.map { token in
                """
                <header><span class="brand">pushgate</span><a href="/ui/pools">Pools</a><a href="/ui/runs">Runs</a>\
                <a href="/ui/templates">Templates</a><form class="inline" method="post" action="/ui/logout">\
                \(csrfField(token))<button type="submit" id="logout">Log out</button></form></header>
                """
            } ?? "<header><span class=\"brand\">pushgate</span></header>"
        let page: HTML = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · pushgate</title><link rel="stylesheet" href="/ui/style.css"></head>
            <body>\(navigation)<main>\(body)</main></body></html>
            """
        var headers = securityHeaders()
        headers.add("Content-Type", "text/html; charset=utf-8")
        return ServerResponse(status: status, headers: headers, body: Data(page.text.utf8))
    }

    static func csrfField(_ token: String) -> HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(token)\">" }

    /// A one-button form posting to `action` (pause, resume, cancel).
    static func button(_ label: String, action: String, csrf: String, id: String) -> HTML {
        "<form class=\"inline\" method=\"post\" action=\"\(action)\">\(csrfField(csrf))<button type=\"submit\" id=\"\(id)\">\(label)</button></form>"
    }

    /// 303 to `location` (after a POST, so a reload does not post again).
    static func redirect(_ location: String, headers extra: HTTPHeaders = [:]) -> ServerResponse {
        var headers = securityHeaders()
        headers.add("Location", location)
        for field in extra { headers.add(field.name, field.value) }
        return ServerResponse(status: 303, headers: headers)
    }

    static func error(_ error: UIError, csrf: String?) -> ServerResponse {
        render(
            "Error",
            csrf: csrf,
            status: error.code.status,
            "<h1>Error \(error.code.status)</h1><section class=\"card\"><p class=\"problem\" id=\"error\">\(error.message)</p></section>"
        )
    }

    static func time(_ date: Date?) -> String { date.map(ModelJSON.timestamp) ?? "—" }

    static func limit(_ limit: Int?) -> String { limit.map(String.init) ?? "none" }

    /// A link path `/ui/...` whose segments are percent-encoded.
    static func path(_ segments: String...) -> String { "/ui/" + segments.map(UIForm.encode).joined(separator: "/") }
}
