import Foundation
import PushgateCore
import PushgateHTTP
import PushgateTestSupport
import Testing

extension EndToEndHarness {
    /// One call to the gateway's HTTP API: status, body as JSON (a string when it is not), and the raw text.
    static func call(
        _ http: CurlHTTPClient,
        _ method: String,
        _ url: String,
        token: String?,
        _ body: String = ""
    ) async throws -> (Int, JSONValue, String) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token { headers.add("Authorization", "Bearer \(token)") }
        let response = try await http.execute(HTTPRequest(method: method, url: url, headers: headers, body: Data(body.utf8)))
        let text = String(decoding: response.body, as: UTF8.self)
        return (response.status, (try? JSONValue.parse(response.body)) ?? .string(text), text)
    }

    /// Waits (up to 20 s) until run `id` shows Running over the API, cancels it over the API, and waits for
    /// every run to end: the "cancel while it runs" step of the providers' serve tests.
    func cancelOnceRunning(_ id: String, base: String, http: CurlHTTPClient) async throws {
        var state = ""
        for _ in 0..<400 where state != "Running" {
            state = try await Self.call(http, "GET", "\(base)/flow_runs/\(id)", token: token).1["state"]?.stringValue ?? ""
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(state == "Running")
        #expect(try await Self.call(http, "POST", "\(base)/flow_runs/\(id)/cancel", token: token, #"{"reason": "stop"}"#).0 == 200)
        #expect(try await waitForAllTerminal(timeout: 60))
    }

    /// Starts the gateway `kills` times, SIGKILLing each after a random 0.4–1.5 s (seeded), then starts the
    /// last one and waits for its API: runs may all end before it installs its signal handlers, and a
    /// SIGTERM before then would end it with status 15 instead of a clean stop.
    func startThroughKills(_ kills: Int, seed: UInt64) async throws {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<kills {
            try startGateway()
            try await Task.sleep(nanoseconds: UInt64.random(in: 400_000_000...1_500_000_000, using: &generator))
            gateway?.kill()
        }
        try startGateway()
        _ = try await apiBaseURL()
    }
}
