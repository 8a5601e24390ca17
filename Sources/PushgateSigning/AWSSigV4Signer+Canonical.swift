/// The canonical-request rules of docs/provider-apis.md §2.8 on Strings, one function per part so each can be
/// tested. The signer uses the URI and query rules; the header, canonical-request and string-to-sign rules
/// state what its byte path must equal, for the tests (internal: they reach them with `@testable import`),
/// and the header rules are also the byte path's fallback for non-ASCII headers.
extension AWSSigV4Signer {
    /// The pieces of a URL the signer needs. Parsed by hand: the AWS test suite has raw spaces and
    /// non-ASCII in paths and queries, which Foundation's `URL` refuses.
    package struct URLParts: Sendable, Equatable {
        /// `host[:port]`, the port only when it is not the scheme's default (it is signed as `host`).
        package var host: String
        /// The path as given (already percent-encoded on the wire), `/` when empty.
        package var path: String
        /// The query without `?`, nil when there is none.
        package var query: String?

        package init(_ url: String) throws {
            if let parsed = ByteWriter.withUTF8(url, URLParts.init(ascii:)) {
                self = parsed
                return
            }
            try self.init(characters: url)
        }

        /// The same rules on the bytes of an all-ASCII URL, where bytes and Characters split alike; nil for
        /// other URLs and for malformed ones (the Character rules then apply or throw).
        private init?(ascii url: UnsafeBufferPointer<UInt8>) {
            let count = url.count
            var high: UInt8 = 0
            for byte in url { high |= byte }
            guard high < 0x80 else { return nil }
            var schemeEnd = 0
            while schemeEnd + 2 < count,
                !(url[schemeEnd] == UInt8(ascii: ":") && url[schemeEnd + 1] == UInt8(ascii: "/")
                    && url[schemeEnd + 2] == UInt8(ascii: "/"))
            {
                schemeEnd += 1
            }
            guard schemeEnd + 2 < count else { return nil }
            let restStart = schemeEnd + 3
            var end = restStart
            while end < count, url[end] != UInt8(ascii: "#") { end += 1 }
            var authorityEnd = restStart
            while authorityEnd < end, url[authorityEnd] != UInt8(ascii: "/"), url[authorityEnd] != UInt8(ascii: "?") {
                authorityEnd += 1
            }
            var authorityStart = restStart
            for index in restStart..<authorityEnd where url[index] == UInt8(ascii: "@") { authorityStart = index + 1 }
            guard authorityStart < authorityEnd else { return nil }
            var pathEnd = authorityEnd
            while pathEnd < end, url[pathEnd] != UInt8(ascii: "?") { pathEnd += 1 }
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: url[range]), as: UTF8.self) }
            query = pathEnd < end ? text(pathEnd + 1..<end) : nil
            path = pathEnd > authorityEnd ? text(authorityEnd..<pathEnd) : "/"
            func schemeIs(_ name: StaticString) -> Bool {
                guard schemeEnd == name.utf8CodeUnitCount else { return false }
                for index in 0..<schemeEnd where url[index] | 0x20 != name.utf8Start[index] { return false }
                return true
            }
            var hostEnd = authorityEnd
            let defaultPort: StaticString? = schemeIs("https") ? ":443" : schemeIs("http") ? ":80" : nil
            if let defaultPort, authorityEnd - authorityStart >= defaultPort.utf8CodeUnitCount {
                let start = authorityEnd - defaultPort.utf8CodeUnitCount
                if (0..<defaultPort.utf8CodeUnitCount).allSatisfy({ url[start + $0] == defaultPort.utf8Start[$0] }) {
                    hostEnd = start
                }
            }
            host = text(authorityStart..<hostEnd)
        }

        /// The rules on Characters, for any URL; ``init(_:)`` uses it when the URL is not all ASCII, and the
        /// tests check that both agree on ASCII URLs.
        init(characters url: String) throws {
            guard let schemeEnd = url.range(of: "://") else {
                throw SigningError(.invalidURL, "AWSSigV4Signer: URL has no scheme: \(url.prefix(80))")
            }
            let scheme = url[..<schemeEnd.lowerBound].lowercased()
            var rest = url[schemeEnd.upperBound...]
            if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            guard !authority.isEmpty else {
                throw SigningError(.invalidURL, "AWSSigV4Signer: URL has no host: \(url.prefix(80))")
            }
            let remainder = rest[authorityEnd...]
            let pathPart: Substring
            if let question = remainder.firstIndex(of: "?") {
                pathPart = remainder[..<question]
                query = String(remainder[remainder.index(after: question)...])
            } else {
                pathPart = remainder
                query = nil
            }
            path = pathPart.isEmpty ? "/" : String(pathPart)
            host = URLParts.stripDefaultPort(String(authority), scheme: scheme)
        }

        private static func stripDefaultPort(_ authority: String, scheme: String) -> String {
            let defaultPort = scheme == "https" ? ":443" : scheme == "http" ? ":80" : nil
            if let defaultPort, authority.hasSuffix(defaultPort), !authority.hasSuffix("]") {
                return String(authority.dropLast(defaultPort.count))
            }
            return authority
        }
    }

    /// RFC 3986 dot-segment removal and empty-segment collapsing, then one more percent-encoding of
    /// every byte outside the unreserved set (so `a%20b` on the wire is `a%2520b`, as botocore does
    /// for every service except S3). A trailing `/` is kept.
    static func canonicalURI(_ path: String) -> String {
        var stack: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            switch segment {
            case "", ".": continue
            case "..": if !stack.isEmpty { stack.removeLast() }
            default: stack.append(segment)
            }
        }
        var normalized = "/" + stack.joined(separator: "/")
        let last = segments.last ?? ""
        if !stack.isEmpty && (last.isEmpty || last == "." || last == "..") { normalized += "/" }
        return uriEncode(normalized, keepSlash: true)
    }

    /// Each key and value percent-decoded, re-encoded with the unreserved set, sorted by key then
    /// value, joined `k=v` with `&`; `k` with no `=` becomes `k=`.
    static func canonicalQueryString(_ query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        var pairs: [(key: String, value: String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let key: Substring
            let value: Substring
            if let eq = item.firstIndex(of: "=") {
                key = item[..<eq]
                value = item[item.index(after: eq)...]
            } else {
                key = item
                value = ""
            }
            pairs.append(
                (uriEncode(percentDecode(key), keepSlash: false), uriEncode(percentDecode(value), keepSlash: false))
            )
        }
        pairs.sort { lhs, rhs in
            lhs.key != rhs.key
                ? lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8)
                : lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        return pairs.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// Lower-cased names sorted, values trimmed with inner whitespace (and obs-fold line breaks) collapsed
    /// to one space, repeated headers joined with `,` in the order given. Unsigned headers are left out.
    /// - Returns: the canonical header block (each line ends in `\n`) and the signed-headers list.
    static func canonicalHeaders(
        _ headers: [(name: String, value: String)]
    ) -> (
        canonical: String, signed: String
    ) {
        var byName: [String: [String]] = [:]
        for field in headers {
            let name = field.name.lowercased().trimmingASCIIWhitespace()
            guard !unsignedHeaders.contains(name) else { continue }
            byName[name, default: []].append(collapseWhitespace(field.value))
        }
        let names = byName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var canonical = ""
        for name in names { canonical += "\(name):\(byName[name]!.joined(separator: ","))\n" }
        return (canonical, names.joined(separator: ";"))
    }

    static func canonicalRequest(
        method: String,
        canonicalURI: String,
        canonicalQuery: String,
        canonicalHeaders: String,
        signedHeaders: String,
        payloadHash: String
    ) -> String {
        [method.uppercased(), canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
    }

    /// `AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{hex(SHA256(canonicalRequest))}`.
    static func stringToSign(canonicalRequest: String, timestamp: String, credentialScope: String) -> String {
        "\(algorithm)\n\(timestamp)\n\(credentialScope)\n\(HexEncoding.encode(Digest.sha256(canonicalRequest)))"
    }

    /// Percent-encodes every UTF-8 byte outside `A-Z a-z 0-9 - _ . ~` (and `/` when `keepSlash`), with
    /// upper-case hex.
    static func uriEncode(_ text: some StringProtocol, keepSlash: Bool) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` sequences; anything else (including a malformed `%`) stays as it is. `+` stays `+`.
    static func percentDecode(_ text: some StringProtocol) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return String(text) }
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let decoded = HexEncoding.decode(String(decoding: bytes[index + 1...index + 2], as: UTF8.self))
            {
                out.append(decoded[0])
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func collapseWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
            .joined(separator: " ")
    }
}

extension String {
    fileprivate func trimmingASCIIWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
