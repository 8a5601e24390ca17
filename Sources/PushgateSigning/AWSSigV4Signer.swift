import Foundation

/// Signs AWS requests with Signature Version 4 (provider-apis.md §2.8, botocore `SigV4Auth`).
/// Pure: the time is a parameter, so the same inputs always give the same signature. It takes plain
/// values (no PushgateCore types), so a caller wraps its own request type in one line:
/// `signer.sign(method: r.method, url: r.url, headers: r.headers.fields, body: r.body, date: now)`.
package struct AWSSigV4Signer: Sendable {
    package static let algorithm = "AWS4-HMAC-SHA256"

    /// Headers never signed: hop-by-hop and tracing headers (botocore `SIGNED_HEADERS_BLACKLIST`) and
    /// the ones libcurl may add or change on its own (`user-agent`, `content-length`, `expect`).
    package static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "content-length", "expect", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
        "baggage", "traceparent", "tracestate",
    ]

    package var credentials: AWSCredentials
    /// The signing name (`ecs`, `sts`), not always the endpoint prefix.
    package var service: String
    package var region: String

    package init(credentials: AWSCredentials, service: String, region: String) {
        self.credentials = credentials
        self.service = service
        self.region = region
    }

    /// Signs a request.
    /// - Parameters:
    ///   - headers: the headers the caller will send; an existing `Authorization`, `X-Amz-Date` (and
    ///     `X-Amz-Security-Token` when the credentials carry one) are replaced.
    ///   - signSecurityToken: false adds the token after signing (test suite `post-sts-header-after`);
    ///     AWS JSON and Query services want it signed, which is the default.
    /// - Returns: the headers to send and every stage of the signature.
    package func sign(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        date: Date,
        signSecurityToken: Bool = true
    ) throws -> AWSSignedRequest {
        let payloadHash = HexEncoding.encode(Digest.sha256(body))
        return try sign(
            method: method, url: url, headers: headers, payloadHash: payloadHash, date: date,
            signSecurityToken: signSecurityToken)
    }

    package func sign(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        body: Data,
        date: Date,
        signSecurityToken: Bool = true
    ) throws -> AWSSignedRequest {
        let payloadHash = HexEncoding.encode(Digest.sha256(body))
        return try sign(
            method: method, url: url, headers: headers, payloadHash: payloadHash, date: date,
            signSecurityToken: signSecurityToken)
    }

    /// Signs with a precomputed payload hash (hex SHA-256 of the body).
    package func sign(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        payloadHash: String,
        date: Date,
        signSecurityToken: Bool = true
    ) throws -> AWSSignedRequest {
        let parts = try AWSSigV4Signer.URLParts(url)
        let timestamp = AWSSigV4Signer.timestamp(date)
        let token = credentials.sessionToken

        // Stage 0: the headers that will be sent.
        var sent = headers.filter { field in
            let name = field.name.lowercased()
            return name != "authorization" && name != "x-amz-date" && !(token != nil && name == "x-amz-security-token")
        }
        if !sent.contains(where: { $0.name.lowercased() == "host" }) {
            sent.insert((name: "Host", value: parts.host), at: 0)
        }
        sent.append((name: "X-Amz-Date", value: timestamp))
        if let token, signSecurityToken { sent.append((name: "X-Amz-Security-Token", value: token)) }

        // Stage 1: the canonical request.
        let (canonicalHeaders, signedHeaders) = AWSSigV4Signer.canonicalHeaders(sent)
        let canonicalRequest = AWSSigV4Signer.canonicalRequest(
            method: method,
            canonicalURI: AWSSigV4Signer.canonicalURI(parts.path),
            canonicalQuery: AWSSigV4Signer.canonicalQueryString(parts.query),
            canonicalHeaders: canonicalHeaders,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash
        )

        // Stage 2: the string to sign.
        let dateStamp = String(timestamp.prefix(8))
        let scope = credentialScope(dateStamp: dateStamp)
        let stringToSign = AWSSigV4Signer.stringToSign(
            canonicalRequest: canonicalRequest, timestamp: timestamp, credentialScope: scope)

        // Stage 3: the signature and the Authorization header.
        let signature = HexEncoding.encode(Digest.hmacSHA256(key: signingKey(dateStamp: dateStamp), data: stringToSign))
        let authorization =
            "\(AWSSigV4Signer.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"

        if let token, !signSecurityToken { sent.append((name: "X-Amz-Security-Token", value: token)) }
        sent.append((name: "Authorization", value: authorization))
        return AWSSignedRequest(
            headers: sent, canonicalRequest: canonicalRequest, stringToSign: stringToSign,
            signedHeaders: signedHeaders, signature: signature, authorization: authorization, timestamp: timestamp)
    }

    /// `YYYYMMDD/{region}/{service}/aws4_request`.
    package func credentialScope(dateStamp: String) -> String { "\(dateStamp)/\(region)/\(service)/aws4_request" }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
    package func signingKey(dateStamp: String) -> [UInt8] {
        let kDate = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: dateStamp)
        let kRegion = Digest.hmacSHA256(key: kDate, data: region)
        let kService = Digest.hmacSHA256(key: kRegion, data: service)
        return Digest.hmacSHA256(key: kService, data: "aws4_request")
    }
}
