import Foundation
import PushgateServer
import Testing

/// Sessions and tokens: random, expiring when idle, ended by logout, bounded in number.
@Suite struct UISessionStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func tokensAreRandomHexOf64Characters() {
        let tokens = Set((0..<100).map { _ in UIToken.random() })
        #expect(tokens.count == 100)
        #expect(tokens.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func tokenComparisonNeedsTheWholeToken() {
        let token = UIToken.random()
        #expect(UIToken.equal(token, token))
        #expect(!UIToken.equal(token, String(token.dropLast())))
        #expect(!UIToken.equal(token, token + "0"))
        #expect(!UIToken.equal("", ""))
    }

    @Test func aSessionLivesWhileUsedAndEndsWhenIdleOrLoggedOut() {
        let store = UISessionStore(idleTimeout: 60)
        let session = store.create(now: start)
        #expect(session.id != session.csrfToken)
        #expect(store.session(id: session.id, now: start.addingTimeInterval(50))?.csrfToken == session.csrfToken)
        // Use restarted the idle time.
        #expect(store.session(id: session.id, now: start.addingTimeInterval(100)) != nil)
        #expect(store.session(id: session.id, now: start.addingTimeInterval(161)) == nil)
        let other = store.create(now: start)
        store.end(id: other.id)
        #expect(store.session(id: other.id, now: start) == nil)
        #expect(store.session(id: nil, now: start) == nil)
        #expect(store.session(id: "", now: start) == nil)
        #expect(store.session(id: UIToken.random(), now: start) == nil)
    }

    @Test func theOldestSessionMakesRoomBeyondCapacity() {
        let store = UISessionStore(idleTimeout: 600, capacity: 2)
        let first = store.create(now: start)
        _ = store.create(now: start.addingTimeInterval(1))
        _ = store.create(now: start.addingTimeInterval(2))
        #expect(store.count == 2)
        #expect(store.session(id: first.id, now: start.addingTimeInterval(3)) == nil)
    }

    @Test func formsAndCookiesParse() {
        let form = UIForm("csrf=ab%2Fc&token=a+b&empty=&flag")
        #expect(form["csrf"] == "ab/c")
        #expect(form["token"] == "a b")
        #expect(form["empty"] == "")
        #expect(form["flag"] == "")
        #expect(form["missing"] == nil)
        #expect(UIForm.cookie("pushgate_session", in: "a=1; pushgate_session=xyz; b=2") == "xyz")
        #expect(UIForm.cookie("pushgate_session", in: "pushgate_session_x=1") == nil)
        #expect(UIForm.encode("a b/<>") == "a%20b%2F%3C%3E")
    }
}
