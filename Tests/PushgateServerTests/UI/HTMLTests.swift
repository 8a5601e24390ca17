import Foundation
import PushgateServer
import Testing

/// The one escaping function and the interpolation that applies it.
@Suite struct HTMLTests {
    @Test func escapesTheFiveSpecialCharacters() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'q'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;")
        #expect(HTML.escape(#""><img src=x onerror=alert(1)>"#) == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        #expect(HTML.escape("plain é ✓") == "plain é ✓")
        #expect(HTML.escape("a\0b") == "a\u{FFFD}b")
    }

    @Test func interpolatedTextIsEscapedAndMarkupIsNot() {
        let name = "<b>x</b>"
        let inner: HTML = "<i>\(name)</i>"
        let page: HTML = "<p title=\"\(name)\">\(inner)</p>"
        #expect(page.text == "<p title=\"&lt;b&gt;x&lt;/b&gt;\"><i>&lt;b&gt;x&lt;/b&gt;</i></p>")
        let optional: String? = nil
        #expect(("<td>\(optional)</td>" as HTML).text == "<td></td>")
    }

    @Test func escapingTwiceEscapesTheAmpersands() {
        #expect(HTML.escape(HTML.escape("<")) == "&amp;lt;")
    }
}
