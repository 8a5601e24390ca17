import Foundation
import PushgateCore
import PushgateHTTPServer
import PushgateSigning

extension FakeECSServer {
    /// Verifies SigV4 as AWS does (docs/provider-apis.md §2.8): the access key and session token must be the
    /// configured ones, `X-Amz-Date` within the allowed skew, the scope this region and `ecs`, and the
    /// signature equal to the one recomputed over the signed headers and the body. Nil when accepted;
    /// otherwise a 403 with the AWS error code (`SignatureDoesNotMatch`, `UnrecognizedClientException`, …).
    func authenticate(_ request: ServerRequest) -> ServerResponse? {
        guard let authorization = request.headers["Authorization"] else {
            return FakeECSServer.error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        }
        guard let parsed = FakeECSServer.parseAuthorization(authorization) else {
            return FakeECSServer.error(
                403,
                "IncompleteSignatureException",
                "Authorization header is not AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…"
            )
        }
        let scope = parsed.credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else {
            return FakeECSServer.error(403, "IncompleteSignatureException", "malformed credential scope")
        }
        guard scope[0] == configuration.accessKeyID else {
            return FakeECSServer.error(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
        }
        let token = request.headers["X-Amz-Security-Token"]
        if token != configuration.sessionToken {
            return FakeECSServer.error(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
        }
        guard let stamp = request.headers["X-Amz-Date"], let date = FakeECSServer.parseTimestamp(stamp) else {
            return FakeECSServer.error(403, "IncompleteSignatureException", "X-Amz-Date is missing or malformed")
        }
        let now = configuration.now()
        if let limit = configuration.maxClockSkew, abs(date.timeIntervalSince(now)) > limit {
            return FakeECSServer.error(
                403,
                "InvalidSignatureException",
                "Signature expired: \(stamp) is now earlier or later than the allowed skew"
            )
        }
        guard scope[1] == String(stamp.prefix(8)), scope[2] == configuration.region, scope[3] == "ecs" else {
            return FakeECSServer.error(
                403,
                "SignatureDoesNotMatch",
                "Credential should be scoped to a valid date, region \(configuration.region) and service ecs"
            )
        }
        let signedNames = Set(parsed.signedHeaders.split(separator: ";").map { $0.lowercased() })
        let headers = request.headers.fields.filter { field in
            let name = field.name.lowercased()
            return signedNames.contains(name) && name != "x-amz-date" && name != "authorization"
        }
        let host = request.headers["Host"] ?? "127.0.0.1:\(port)"
        let signer = AWSSigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: configuration.accessKeyID,
                secretAccessKey: configuration.secretAccessKey,
                sessionToken: token
            ),
            service: "ecs",
            region: configuration.region
        )
        guard
            let expected = try? signer.sign(
                method: request.method,
                url: "http://\(host)\(request.target)",
                headers: headers,
                body: request.body,
                date: date
            ),
            expected.signedHeaders == parsed.signedHeaders,
            FakeECSServer.constantTimeEqual(expected.signature, parsed.signature)
        else {
            return FakeECSServer.error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
            )
        }
        return nil
    }

    /// The three parts of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    static func parseAuthorization(_ value: String) -> (credential: String, signedHeaders: String, signature: String)? {
        let prefix = "AWS4-HMAC-SHA256 "
        guard value.hasPrefix(prefix) else { return nil }
        var parts: [String: String] = [:]
        for piece in value.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            parts[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let credential = parts["Credential"], let signed = parts["SignedHeaders"], let signature = parts["Signature"] else {
            return nil
        }
        return (credential, signed, signature)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` → Date (UTC).
    static func parseTimestamp(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        guard scalars.count == 16, scalars[8] == UInt8(ascii: "T"), scalars[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: scalars[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
