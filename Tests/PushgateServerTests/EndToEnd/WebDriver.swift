import Foundation
import PushgateCore
import PushgateHTTP
import PushgateTestSupport
import Testing

/// Headless Chromium driven through chromedriver's W3C WebDriver HTTP API on loopback: Debian's
/// `chromium` and `chromium-driver` (scripts/install-deps.sh), no browser download.
final class WebDriver: @unchecked Sendable {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    /// The W3C key an element reference comes under.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    struct Failure: Error, CustomStringConvertible {
        var code: String
        var message: String
        var description: String { "WebDriver \(code): \(message)" }
    }

    /// Whether the browser is installed; under `CI=true` its absence is a failure, not a skip.
    static func available() -> Bool {
        let present = FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: chromedriver)
        if !present && ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("chromium and chromium-driver are missing (scripts/install-deps.sh installs them); CI must not skip the browser tests")
        }
        return present
    }

    private let driver = Process()
    private let http: CurlHTTPClient
    private let base: String
    private var session = ""
    private let profile: URL
    let screenshots: URL

    init(http: CurlHTTPClient, directory: URL) async throws {
        self.http = http
        let port = try LoopbackPort.free()
        base = "http://127.0.0.1:\(port)"
        profile = directory.appendingPathComponent("chromium-profile")
        screenshots = Fixtures.repositoryRoot().appendingPathComponent(".build/ui-screenshots")
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        driver.executableURL = URL(fileURLWithPath: Self.chromedriver)
        driver.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        let log = directory.appendingPathComponent("chromedriver.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        driver.standardOutput = handle
        driver.standardError = handle
        try driver.run()
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await call("GET", "/status"))?["ready"]?.boolValue == true
            if !ready { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        guard ready else { throw Failure(code: "not ready", message: "chromedriver did not answer on \(base)") }
        let capabilities: JSONValue = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": .string(Self.chromium),
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                            .string("--user-data-dir=\(profile.path)"), "--no-first-run", "--disable-extensions",
                        ],
                    ],
                ]
            ]
        ]
        session = try #require(try await call("POST", "/session", capabilities)["sessionId"]?.stringValue)
    }

    deinit { quit() }

    /// Kills chromedriver and the browser it started (its own process group); chromedriver does not
    /// always exit on SIGTERM.
    func quit() {
        guard driver.isRunning else { return }
        Foundation.kill(-driver.processIdentifier, SIGKILL)
        Foundation.kill(driver.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        while driver.isRunning && Date() < deadline { usleep(20_000) }
    }

    func close() async {
        if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)") }
        session = ""
        quit()
    }

    /// One WebDriver command; its `value`, or the error it answered.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let request = HTTPRequest(
            method: method,
            url: base + path,
            headers: ["Content-Type": "application/json"],
            body: body.map { Data($0.serialized().utf8) } ?? Data()
        )
        let response = try await http.execute(request)
        let value = (try? JSONValue.parse(response.body))?["value"] ?? .null
        if response.status >= 400 {
            throw Failure(code: value["error"]?.stringValue ?? "\(response.status)", message: value["message"]?.stringValue ?? "")
        }
        return value
    }

    private var prefix: String { "/session/\(session)" }

    func title() async throws -> String { try await call("GET", "\(prefix)/title").stringValue ?? "" }

    func open(_ url: String) async throws { try await call("POST", "\(prefix)/url", ["url": .string(url)]) }

    func currentURL() async throws -> String { try await call("GET", "\(prefix)/url").stringValue ?? "" }

    func source() async throws -> String { try await call("GET", "\(prefix)/source").stringValue ?? "" }

    /// The elements matching a CSS selector (empty when none).
    func elements(_ selector: String) async throws -> [String] {
        let found = try await call("POST", "\(prefix)/elements", ["using": "css selector", "value": .string(selector)])
        return (found.arrayValue ?? []).compactMap { $0[Self.elementKey]?.stringValue }
    }

    /// The first element matching `selector`, waiting up to 10 s for it to appear.
    func element(_ selector: String) async throws -> String {
        let deadline = Date().addingTimeInterval(10)
        while true {
            if let first = try await elements(selector).first { return first }
            guard Date() < deadline else { throw Failure(code: "no such element", message: selector) }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// An element found before the page was replaced (an answer arriving, a refresh): the WebDriver
    /// standard's "stale element reference", or Chromium's inspector error for the same thing.
    static func isStale(_ failure: Failure) -> Bool {
        failure.code == "stale element reference" || failure.code == "no such element"
            || failure.message.contains("does not belong to the document")
    }

    /// Runs `body` on the element `selector` finds, finding it again (up to three times) when the page
    /// was replaced between the find and the use.
    private func onElement<T>(_ selector: String, _ body: (String) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body(try await element(selector))
            } catch let failure as Failure where Self.isStale(failure) && attempt < 2 {
                attempt += 1
            }
        }
    }

    func text(_ selector: String) async throws -> String {
        try await onElement(selector) { try await call("GET", "\(prefix)/element/\($0)/text").stringValue ?? "" }
    }

    func click(_ selector: String) async throws { _ = try await onElement(selector) { try await call("POST", "\(prefix)/element/\($0)/click", [:]) } }

    /// Clicks a form's submit button and waits until the answer has replaced the page (the old document's
    /// root element goes stale), so what is read next is the new page.
    func submit(_ selector: String) async throws {
        let root = try await element("html")
        try await click(selector)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            do {
                try await call("GET", "\(prefix)/element/\(root)/name")
            } catch let failure as Failure where Self.isStale(failure) {
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw Failure(code: "timeout", message: "\(selector) did not load a new page")
    }

    func type(_ selector: String, _ text: String) async throws {
        let element = try await element(selector)
        try await call("POST", "\(prefix)/element/\(element)/clear", [:])
        try await call("POST", "\(prefix)/element/\(element)/value", ["text": .string(text)])
    }

    /// Reloads `url` until `selector`'s text satisfies `done` (or `timeout` passes); the last text seen.
    func waitFor(
        _ selector: String,
        reloading url: String,
        timeout: TimeInterval = 30,
        until done: (String) -> Bool
    ) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            try await open(url)
            last = (try? await text(selector)) ?? ""
            if done(last) { return last }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        return last
    }

    /// The session cookie the browser holds (HttpOnly, so only the driver can read it).
    func cookie(_ name: String) async throws -> String? {
        try await call("GET", "\(prefix)/cookie/\(name)")["value"]?.stringValue
    }

    /// A PNG of the window, written as `.build/ui-screenshots/NAME.png` for a person to look at.
    func screenshot(_ name: String) async throws {
        let encoded = try await call("GET", "\(prefix)/screenshot").stringValue ?? ""
        let data = try #require(Data(base64Encoded: encoded))
        try data.write(to: screenshots.appendingPathComponent("\(name).png"))
    }
}
