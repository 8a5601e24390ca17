import Foundation
import PushgateCore

/// The outcome of one gRPC call, read from `grpc-status` / `grpc-message` (trailers, or headers of a
/// trailers-only response; docs/provider-apis.md §5.4), with Modal's throttle hint from
/// `grpc-status-details-bin` (`google.rpc.Status.details` holding `modal.client.RPCRetryPolicy`).
package struct GRPCStatus: Sendable, Equatable, CustomStringConvertible {
    /// gRPC status codes not named in `GRPCStatusCode` (PushgateCore) that the Modal mapping needs.
    package static let invalidArgument = 3
    package static let notFound = 5
    package static let permissionDenied = 7
    package static let failedPrecondition = 9
    package static let aborted = 10
    package static let unimplemented = 12

    package var code: Int
    /// `grpc-message`, percent-decoded.
    package var message: String
    /// `RPCRetryPolicy.retry_after_secs`, when the server sent one.
    package var retryAfter: TimeInterval?

    package init(code: Int, message: String = "", retryAfter: TimeInterval? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    package var isOK: Bool { code == GRPCStatusCode.ok }

    /// The canonical upper-case name (`ALREADY_EXISTS`), or `CODE_<n>`.
    package var name: String { GRPCStatus.name(of: code) }

    package static func name(of code: Int) -> String {
        let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
        return names.indices.contains(code) ? names[code] : "CODE_\(code)"
    }

    package var description: String { message.isEmpty ? name : "\(name): \(message)" }

    /// The status of a response. The last `grpc-status` wins (`HTTPClient` appends trailers after the
    /// headers). Without one, a non-200 HTTP status maps as gRPC's HTTP-to-gRPC table says
    /// (https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md); a 200 without a status
    /// is INTERNAL (the stream ended early).
    package static func of(_ response: HTTPResponse) -> GRPCStatus {
        guard let raw = response.headers.values("grpc-status").last else {
            let code: Int
            switch response.status {
            case 400: code = GRPCStatusCode.internalError
            case 401: code = GRPCStatusCode.unauthenticated
            case 403: code = permissionDenied
            case 404: code = unimplemented
            case 429, 502, 503, 504: code = GRPCStatusCode.unavailable
            case 200: code = GRPCStatusCode.internalError
            default: code = GRPCStatusCode.unknown
            }
            let what = response.status == 200 ? "no grpc-status in the response" : "HTTP \(response.status) without grpc-status"
            return GRPCStatus(code: code, message: what)
        }
        let code = Int(raw.trimmingCharacters(in: .whitespaces)) ?? GRPCStatusCode.unknown
        let message = percentDecoded(response.headers.values("grpc-message").last ?? "")
        let retryAfter = response.headers.values("grpc-status-details-bin").last.flatMap(retryAfter(detailsBin:))
        return GRPCStatus(code: code, message: message, retryAfter: retryAfter)
    }

    /// `grpc-message` is percent-encoded UTF-8; malformed escapes are kept as they are.
    package static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads `RPCRetryPolicy.retry_after_secs` (field 1) out of a base64 `google.rpc.Status`
    /// (`code = 1, message = 2, details = 3: repeated Any{type_url = 1, value = 2}`). Assumption: the
    /// field is a `uint32` varint; a float or double is accepted too, since §5.4 does not give its type.
    package static func retryAfter(detailsBin: String) -> TimeInterval? {
        var text = detailsBin.trimmingCharacters(in: .whitespaces)
        while text.count % 4 != 0 { text += "=" }  // gRPC may send unpadded base64
        guard let data = Data(base64Encoded: text), let status = try? ProtobufMessage(data),
            let details = try? status.messages(3)
        else { return nil }
        for any in details {
            guard let typeURL = try? any.string(1), typeURL.hasSuffix("modal.client.RPCRetryPolicy"),
                let value = try? any.bytes(2) ?? [], let policy = try? ProtobufMessage(value)
            else { continue }
            if let seconds = try? policy.uint(1) { return TimeInterval(seconds) }
            if let seconds = try? policy.float(1) { return TimeInterval(seconds) }
            if let seconds = try? policy.double(1) { return seconds }
        }
        return nil
    }
}
