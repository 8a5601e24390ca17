import Foundation

/// Signs AWS requests with Signature Version 4 (docs/provider-apis.md §2.8, botocore `SigV4Auth`).
/// Pure: the time is a parameter, so the same inputs always give the same signature. It takes plain
/// values (no PushgateCore types), so a caller wraps its own request type in one line:
/// `signer.sign(method: r.method, url: r.url, headers: r.headers.fields, body: r.body, date: now)`.
package struct AWSSigV4Signer: Sendable {
    package static let algorithm = "AWS4-HMAC-SHA256"

    /// Headers never signed: hop-by-hop and tracing headers (botocore `SIGNED_HEADERS_BLACKLIST`) and
    /// the ones libcurl may add or change on its own (`user-agent`, `content-length`, `expect`).
    static let unsignedHeaders: Set<String> = Set(unsignedHeaderNames.map(\.description))

    /// ``unsignedHeaders`` as static text, which the byte path compares without reference counting.
    static let unsignedHeaderNames: [StaticString] = [
        "authorization", "connection", "content-length", "expect", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
        "baggage", "traceparent", "tracestate",
    ]

    package var credentials: AWSCredentials
    /// The signing name (`ecs`, `sts`), not always the endpoint prefix.
    package var service: String
    package var region: String
    /// Derived signing keys, reused across signatures (and signers) of the same secret, day, region and
    /// service; the shared cache by default because providers build a signer per request.
    package var keyCache: AWSSigningKeyCache

    package init(
        credentials: AWSCredentials,
        service: String,
        region: String,
        keyCache: AWSSigningKeyCache = .shared
    ) {
        self.credentials = credentials
        self.service = service
        self.region = region
        self.keyCache = keyCache
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
        body: some ContiguousBytes,
        date: Date,
        signSecurityToken: Bool = true
    ) throws -> AWSSignedRequest {
        try body.withUnsafeBytes { body in
            try sign(
                method: method,
                url: url,
                headers: headers,
                payload: body,
                date: date,
                signSecurityToken: signSecurityToken
            )
        }
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
        return ByteWriter.withUTF8(payloadHash) { hash in
            sign(
                method: method,
                parts: parts,
                headers: headers,
                payloadHashHex: hash,
                date: date,
                signSecurityToken: signSecurityToken
            )
        }
    }

    private func sign(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        payload: UnsafeRawBufferPointer,
        date: Date,
        signSecurityToken: Bool
    ) throws -> AWSSignedRequest {
        let parts = try AWSSigV4Signer.URLParts(url)
        return sign(
            method: method,
            parts: parts,
            headers: headers,
            payload: payload,
            date: date,
            signSecurityToken: signSecurityToken
        )
    }

    /// The body's SHA-256 in hex, then the signature; `parts` is the parsed URL, so nothing can fail.
    func sign(
        method: String,
        parts: URLParts,
        headers: [(name: String, value: String)],
        payload: UnsafeRawBufferPointer,
        date: Date,
        signSecurityToken: Bool
    ) -> AWSSignedRequest {
        // The digest, then its hex, in one stack buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * Digest.sha256Length) { buffer in
            let digest = buffer.baseAddress!
            let hex = digest + Digest.sha256Length
            Digest.sha256(payload, into: digest)
            HexEncoding.encode(UnsafeRawBufferPointer(start: digest, count: Digest.sha256Length), into: hex)
            return sign(
                method: method,
                parts: parts,
                headers: headers,
                payloadHashHex: UnsafeBufferPointer(start: hex, count: 2 * Digest.sha256Length),
                date: date,
                signSecurityToken: signSecurityToken
            )
        }
    }

    private func sign(
        method: String,
        parts: URLParts,
        headers: [(name: String, value: String)],
        payloadHashHex: UnsafeBufferPointer<UInt8>,
        date: Date,
        signSecurityToken: Bool
    ) -> AWSSignedRequest {
        let timestamp = AWSSigV4Signer.timestamp(date)
        let token = credentials.sessionToken

        // Stage 0: the headers that will be sent.
        var sent: [(name: String, value: String)] = []
        sent.reserveCapacity(headers.count + 4)
        var hasHost = false
        for field in headers {
            switch AWSSigV4Signer.ReplacedHeader(field.name) {
            case .host?:
                hasHost = true
                sent.append(field)
            case .authorization?, .date?: continue
            case .securityToken?: if token == nil { sent.append(field) }
            case nil: sent.append(field)
            }
        }
        if !hasHost { sent.insert((name: "Host", value: parts.host), at: 0) }
        let dateIndex = sent.count
        sent.append((name: "X-Amz-Date", value: timestamp))
        if let token, signSecurityToken { sent.append((name: "X-Amz-Security-Token", value: token)) }

        // Stages 1 and 2: the canonical request and the string to sign, as bytes.
        let (stages, layout) = AWSSigV4Signer.stages(
            method: method,
            canonicalURI: parts.path == "/" ? "/" : AWSSigV4Signer.canonicalURI(parts.path),
            canonicalQuery: AWSSigV4Signer.canonicalQueryString(parts.query),
            headers: sent,
            payloadHash: payloadHashHex,
            timestamp: timestamp,
            region: region,
            service: service
        )

        // Stage 3: the signature and the Authorization header.
        let authorization = stages.withUnsafeBufferPointer { stages in
            // The scope starts with the date stamp (read from the buffer: slicing the String is far slower).
            let dateStamp = String(
                decoding: UnsafeBufferPointer(rebasing: stages[layout.scope.lowerBound..<layout.scope.lowerBound + 8]),
                as: UTF8.self
            )
            let key = keyCache.key(
                secret: credentials.secretAccessKey,
                dateStamp: dateStamp,
                region: region,
                service: service
            )
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Digest.sha256Length) { tag in
                key.authenticate(
                    UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: stages[layout.canonicalRequestEnd...])),
                    into: tag.baseAddress!
                )
                let scope = UnsafeBufferPointer(rebasing: stages[layout.scope])
                let signed = UnsafeBufferPointer(rebasing: stages[layout.signedHeaders])
                // The literals below are 57 bytes.
                let length =
                    57 + credentials.accessKeyID.utf8.count + scope.count + signed.count + 2 * Digest.sha256Length
                return String(unsafeUninitializedCapacity: length) { buffer in
                    var out = ByteWriter(buffer)
                    out.append("AWS4-HMAC-SHA256 Credential=" as StaticString)
                    out.append(credentials.accessKeyID)
                    out.append(UInt8(ascii: "/"))
                    out.append(scope)
                    out.append(", SignedHeaders=" as StaticString)
                    out.append(signed)
                    out.append(", Signature=" as StaticString)
                    out.appendHex(UnsafeRawBufferPointer(tag))
                    return out.count
                }
            }
        }

        if let token, !signSecurityToken { sent.append((name: "X-Amz-Security-Token", value: token)) }
        sent.append((name: "Authorization", value: authorization))
        return AWSSignedRequest(headers: sent, dateIndex: dateIndex, stages: stages, layout: layout)
    }

    /// `YYYYMMDD/{region}/{service}/aws4_request`.
    func credentialScope(dateStamp: String) -> String { "\(dateStamp)/\(region)/\(service)/aws4_request" }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"), derived
    /// afresh: the tests' reference for ``AWSSigningKeyCache``.
    func signingKey(dateStamp: String) -> [UInt8] {
        let kDate = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: dateStamp)
        let kRegion = Digest.hmacSHA256(key: kDate, data: region)
        let kService = Digest.hmacSHA256(key: kRegion, data: service)
        return Digest.hmacSHA256(key: kService, data: "aws4_request")
    }
}
