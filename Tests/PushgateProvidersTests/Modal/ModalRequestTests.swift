import Foundation
import PushgateCore
import PushgateTestSupport
import Synchronization
import Testing

@testable import PushgateProviders

/// Request building, dry run and the client's retry/auth behaviour against a scripted transport (no sockets).
@Suite("Modal requests and dry run")
struct ModalRequestTests {
    static let credentials = ModalCredentials(tokenID: "ak-test", tokenSecret: SecretValue("as-very-secret"))

    static func grpcOK(_ message: [UInt8]) -> HTTPResponse {
        var headers: HTTPHeaders = ["content-type": "application/grpc"]
        headers.add("grpc-status", "0")
        return HTTPResponse(status: 200, headers: headers, body: GRPCFrame.encode(message))
    }

    static func grpcError(_ code: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["content-type": "application/grpc", "grpc-status": "\(code)", "grpc-message": message])
    }

    static func token() -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, "header.eyJleHAiOjQxMDI0NDQ4MDB9.sig")
        return w.bytes
    }

    @Test("a call is a POST of one frame with the gRPC and Modal metadata of docs/provider-apis.md §5.2 and §1.2")
    func requestShape() {
        let request = ModalGRPCClient.request(
            serverURL: "https://api.modal.com",
            rpc: .sandboxWait,
            message: [0x0a, 0x01, 0x41],
            credentials: Self.credentials,
            authToken: "jwt",
            idempotencyKey: "key-1",
            attempt: .init(retry: 2, throttleRetry: 1, secondsSinceFirst: 0.3, throttleDelay: 1),
            timeout: 10
        )
        #expect(request.method == "POST")
        #expect(request.url == "https://api.modal.com/modal.client.ModalClient/SandboxWait")
        #expect([UInt8](request.body) == [0, 0, 0, 0, 3, 0x0a, 0x01, 0x41])
        let h = request.headers
        #expect(h["content-type"] == "application/grpc")
        #expect(h["te"] == "trailers")
        #expect(h["grpc-timeout"] == "10000m")
        #expect(h["x-modal-token-id"] == "ak-test")
        #expect(h["x-modal-token-secret"] == "as-very-secret")
        #expect(h["x-modal-client-type"] == "9")
        #expect(h["x-modal-client-version"] == "1.0.0")
        #expect(h["x-modal-auth-token"] == "jwt")
        #expect(h["x-idempotency-key"] == "key-1")
        #expect(h["x-retry-attempt"] == "2")
        #expect(h["x-throttle-retry-attempt"] == "1")
        #expect(h["x-retry-delay"] == "0.300")
        #expect(h["x-throttle-retry-delay"] == "1.000")
        let auth = ModalGRPCClient.request(
            serverURL: "https://x",
            rpc: .authTokenGet,
            message: [],
            credentials: Self.credentials,
            authToken: "jwt",
            idempotencyKey: "k",
            attempt: .init(),
            timeout: 1
        )
        #expect(auth.headers["x-modal-auth-token"] == nil)
        #expect(auth.headers["x-retry-delay"] == nil)
    }

    @Test("name-based idempotency keys are stable RFC 9562 UUIDs")
    func uuids() {
        let a = ModalGRPCClient.uuid(forName: "pg-r-1/SandboxCreate")
        #expect(a == ModalGRPCClient.uuid(forName: "pg-r-1/SandboxCreate"))
        #expect(a != ModalGRPCClient.uuid(forName: "pg-r-2/SandboxCreate"))
        #expect(UUID(uuidString: a) != nil)
        #expect(Array(a)[14] == "8")
    }

    @Test("dry run lists the submission's calls, hex bodies, and shows no secret")
    func dryRun() async throws {
        let provider = ModalProvider(
            client: ModalGRPCClient(
                serverURL: "https://api.modal.com",
                credentials: Self.credentials,
                http: RecordingHTTPClientStub()
            )
        )
        let job = ModalSandboxSpecTests.job(ModalSandboxSpecTests.full)
        let requests = try await provider.dryRun(job)
        #expect(
            requests.map { $0.url.split(separator: "/").last.map(String.init) ?? "" } == [
                "AuthTokenGet", "AppGetOrCreate", "SandboxList", "ImageGetOrCreate", "SecretGetOrCreate", "SecretGetOrCreate",
                "SandboxCreate",
            ]
        )
        for request in requests {
            #expect(request.headers["x-modal-token-secret"] == "<redacted>")
            #expect(request.headers[ModalProvider.dryRunBodyHeader] == "hex")
            let text = String(decoding: request.body, as: UTF8.self)
            #expect(text.allSatisfy { $0.isHexDigit })
            let frames = try GRPCFrame.decode(Data(ModalProtobufTests.bytes(text)), method: "dry run")
            #expect(frames.count == 1)
            let everything = request.headers.map { "\($0.name): \($0.value)" }.joined() + String(decoding: frames[0], as: UTF8.self)
            #expect(!everything.contains("as-very-secret"))
        }
        // The env secret carries the names; values are shown unless secret (DryRunSecrecyTests).
        let env = try ProtobufMessage(
            GRPCFrame.decode(Data(ModalProtobufTests.bytes(String(decoding: requests[5].body, as: UTF8.self))), method: "")[0]
        )
        #expect(try env.stringMap(5) == ["A": "1", "N": "3"])
        let create = try ProtobufMessage(
            GRPCFrame.decode(Data(ModalProtobufTests.bytes(String(decoding: requests[6].body, as: UTF8.self))), method: "")[0]
        )
        #expect(try create.message(2)?.strings(4) == ["<secret_id:db-creds>", "<env_secret_id>"])
        #expect(try create.message(2)?.string(30) == "pg-run-1-1")
        #expect(requests[0].headers["x-modal-auth-token"] == nil)
        #expect(requests[1].headers["x-modal-auth-token"] == "<redacted>")
    }

    @Test("UNAVAILABLE is retried with x-retry-attempt counting up and the same idempotency key")
    func retriesUnavailable() async throws {
        let failures = Mutex(2)
        let http = RecordingHTTPClient { request in
            if request.url.hasSuffix("/AuthTokenGet") { return Self.grpcOK(Self.token()) }
            let fail = failures.withLock { n -> Bool in
                defer { n -= 1 }
                return n > 0
            }
            if fail { return Self.grpcError(14, "try again") }
            var w = ProtobufWriter()
            w.string(1, "ap-1")
            return Self.grpcOK(w.bytes)
        }
        let client = ModalGRPCClient(serverURL: "https://m", credentials: Self.credentials, http: http)
        let reply = try await client.unary(.appGetOrCreate, ModalMessages.appGetOrCreate(appName: "a", environmentName: "", creationType: 1))
        #expect(try ModalMessages.objectID(reply) == "ap-1")
        let calls = http.requests.filter { $0.url.hasSuffix("/AppGetOrCreate") }
        #expect(calls.map { $0.headers["x-retry-attempt"] } == ["0", "1", "2"])
        #expect(Set(calls.compactMap { $0.headers["x-idempotency-key"] }).count == 1)
        #expect(calls[0].headers["x-retry-delay"] == nil)
        #expect(calls[1].headers["x-retry-delay"] != nil)
        #expect(await client.authTokenFetches == 1)
    }

    @Test("after 4 calls the transient failure is reported, naming the RPC")
    func givesUp() async {
        let http = RecordingHTTPClient { request in
            request.url.hasSuffix("/AuthTokenGet") ? Self.grpcOK(Self.token()) : Self.grpcError(14, "down")
        }
        let client = ModalGRPCClient(serverURL: "https://m", credentials: Self.credentials, http: http)
        do {
            _ = try await client.unary(.sandboxWait, ModalMessages.sandboxWait(sandboxID: "sb", timeout: 0))
            Issue.record("expected a failure")
        } catch let error as ProviderError {
            #expect(error.code == .unavailable)
            #expect(error.providerCode == "UNAVAILABLE")
            #expect(error.message.hasPrefix("Modal SandboxWait (https://m)"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(http.requests.filter { $0.url.hasSuffix("/SandboxWait") }.count == 4)
    }

    @Test("UNAUTHENTICATED on a call refreshes the auth token once; a refused secret is unauthorized without the secret")
    func unauthenticated() async throws {
        let tokenCalls = Mutex(0)
        let http = RecordingHTTPClient { request in
            if request.url.hasSuffix("/AuthTokenGet") {
                tokenCalls.withLock { $0 += 1 }
                return Self.grpcOK(Self.token())
            }
            return Self.grpcError(16, "token as-very-secret expired")
        }
        let client = ModalGRPCClient(serverURL: "https://m", credentials: Self.credentials, http: http)
        do {
            _ = try await client.unary(.sandboxTerminate, ModalMessages.sandboxTerminate(sandboxID: "sb"))
            Issue.record("expected a failure")
        } catch let error as ProviderError {
            #expect(error.code == .unauthorized)
            #expect(!error.description.contains("as-very-secret"))
        }
        #expect(tokenCalls.withLock { $0 } == 2)
        #expect(http.requests.filter { $0.url.hasSuffix("/SandboxTerminate") }.count == 2)
    }

    @Test("a throttle hint is waited out without using up an attempt")
    func throttleHint() async throws {
        var policy = ProtobufWriter()
        policy.uint(1, 1)
        var any = ProtobufWriter()
        any.string(1, "type.googleapis.com/modal.client.RPCRetryPolicy")
        any.bytes(2, policy.bytes)
        var status = ProtobufWriter()
        status.uint(1, 8)
        status.bytes(3, any.bytes)
        let details = Data(status.bytes).base64EncodedString()
        let throttles = Mutex(5)
        let http = RecordingHTTPClient { request in
            if request.url.hasSuffix("/AuthTokenGet") { return Self.grpcOK(Self.token()) }
            if throttles.withLock({ n -> Bool in
                defer { n -= 1 }
                return n > 0
            }) {
                return HTTPResponse(status: 200, headers: ["grpc-status": "8", "grpc-status-details-bin": details])
            }
            return Self.grpcOK([])
        }
        let clock = InstantClock()
        let client = ModalGRPCClient(serverURL: "https://m", credentials: Self.credentials, http: http, clock: clock)
        _ = try await client.unary(.sandboxTerminate, ModalMessages.sandboxTerminate(sandboxID: "sb"))
        let calls = http.requests.filter { $0.url.hasSuffix("/SandboxTerminate") }
        #expect(calls.count == 6)  // more than the 4-call transient limit
        #expect(calls.last?.headers["x-throttle-retry-attempt"] == "5")
        #expect(calls.last?.headers["x-retry-attempt"] == "0")
        #expect(clock.slept == 5)
    }
}

/// A clock whose sleeps return at once and move time forward, counting the seconds slept.
final class InstantClock: WallClock, Sendable {
    private let state = Mutex((now: Date(timeIntervalSince1970: 1_767_225_600), slept: 0.0))
    func now() -> Date { state.withLock { $0.now } }
    func sleep(until deadline: Date) async throws {
        state.withLock { s in
            let wait = max(0, deadline.timeIntervalSince(s.now))
            s.slept += wait
            s.now = s.now.addingTimeInterval(wait)
        }
    }
    var slept: Double { state.withLock { $0.slept } }
}
