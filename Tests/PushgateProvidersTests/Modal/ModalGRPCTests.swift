import Foundation
import PushgateCore
import Testing

@testable import PushgateProviders

@Suite("Modal gRPC framing and status")
struct ModalGRPCTests {
    @Test("a frame is flag 0, a big-endian length and the message (docs/provider-apis.md §5.6)")
    func frameEncoding() throws {
        var w = ProtobufWriter()
        w.string(1, "sb-123")
        let frame = GRPCFrame.encode(w.bytes)
        #expect(ModalProtobufTests.hex([UInt8](frame)) == "00000000080a0673622d313233")
        let messages = try GRPCFrame.decode(frame, method: "SandboxCreate")
        #expect(messages == [w.bytes])
        #expect(try ModalMessages.objectID(ProtobufMessage(messages[0])) == "sb-123")
    }

    @Test("a streaming body holds consecutive frames; an empty body holds none")
    func severalFrames() throws {
        let body = GRPCFrame.encode([0x08, 0x01]) + GRPCFrame.encode([]) + GRPCFrame.encode([0x08, 0x02])
        #expect(try GRPCFrame.decode(body, method: "m") == [[0x08, 0x01], [], [0x08, 0x02]])
        #expect(try GRPCFrame.decode(Data(), method: "m").isEmpty)
    }

    @Test("compressed or cut-off frames are errors naming the method", arguments: ["0100000000", "000000", "0000000005aa"])
    func badFrames(hex: String) {
        do {
            _ = try GRPCFrame.decode(Data(ModalProtobufTests.bytes(hex)), method: "Modal SandboxWait")
            Issue.record("expected an error for \(hex)")
        } catch {
            #expect(error.message.hasPrefix("Modal SandboxWait"))
        }
    }

    @Test("status comes from the trailers, or from the headers of a trailers-only response")
    func statusFromTrailers() {
        var headers: HTTPHeaders = ["content-type": "application/grpc"]
        headers.add("grpc-status", "0")
        #expect(GRPCStatus.of(HTTPResponse(status: 200, headers: headers)).isOK)
        let trailersOnly = HTTPResponse(status: 200, headers: ["grpc-status": "16", "grpc-message": "bad%20token%3A%20%E2%9C%93"])
        let status = GRPCStatus.of(trailersOnly)
        #expect(status.code == 16)
        #expect(status.name == "UNAUTHENTICATED")
        #expect(status.message == "bad token: ✓")
    }

    @Test(
        "without grpc-status the HTTP status maps as gRPC's table says",
        arguments: [
            (200, 13), (400, 13), (401, 16), (403, 7), (404, 12), (429, 14), (502, 14), (503, 14), (504, 14), (500, 2),
        ]
    )
    func httpMapping(http: Int, grpc: Int) {
        #expect(GRPCStatus.of(HTTPResponse(status: http)).code == grpc)
    }

    @Test("the throttle hint is read from grpc-status-details-bin (google.rpc.Status with RPCRetryPolicy)")
    func retryAfterHint() {
        var policy = ProtobufWriter()
        policy.uint(1, 7)
        var any = ProtobufWriter()
        any.string(1, "type.googleapis.com/modal.client.RPCRetryPolicy")
        any.bytes(2, policy.bytes)
        var status = ProtobufWriter()
        status.uint(1, 8)
        status.string(2, "slow down")
        status.bytes(3, any.bytes)
        let unpadded = Data(status.bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let response = HTTPResponse(status: 200, headers: ["grpc-status": "8", "grpc-status-details-bin": unpadded])
        #expect(GRPCStatus.of(response).retryAfter == 7)
        #expect(GRPCStatus.retryAfter(detailsBin: "not base64!") == nil)
    }

    @Test(
        "gRPC codes map to ProviderError codes (§5.4)",
        arguments: [
            (14, ProviderError.Code.unavailable), (8, .throttled), (6, .conflict), (5, .notFound), (16, .unauthorized),
            (7, .unauthorized), (4, .unavailable), (13, .unavailable), (2, .unavailable), (1, .unavailable),
            (3, .rejected), (9, .rejected), (12, .rejected),
        ]
    )
    func providerErrors(code: Int, expected: ProviderError.Code) {
        let error = GRPCStatus(code: code, message: "why", retryAfter: 2).providerError(place: "Modal SandboxCreate (x)")
        #expect(error.code == expected)
        #expect(error.providerCode == GRPCStatus.name(of: code))
        #expect(error.message == "Modal SandboxCreate (x): why")
        #expect(error.retryAfter == 2)
    }

    @Test(
        "grpc-timeout is at most 8 digits and a unit",
        arguments: [
            (0.0, "1m"), (0.25, "250m"), (30.0, "30000m"), (99_999.999, "99999999m"), (200_000.0, "200000S"),
        ]
    )
    func timeoutHeader(seconds: Double, expected: String) {
        #expect(GRPCTimeout.headerValue(seconds) == expected)
    }
}
