import Foundation
import PushgateSigning
import PushgateTestSupport
import Testing

/// The 34 cases of the AWS SigV4 test suite (Tests/Fixtures/sigv4-testsuite, README for the constants).
@Suite("SigV4 test suite")
struct SigV4TestSuiteTests {
    static let suiteRoot = Fixtures.url("sigv4-testsuite")
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    /// Every folder holding `<folder name>.req`, nested ones included, as paths relative to the suite.
    static let cases: [String] = {
        let enumerator = FileManager.default.enumerator(atPath: suiteRoot.path)
        var found: [String] = []
        while let item = enumerator?.nextObject() as? String {
            let folder = (item as NSString).deletingLastPathComponent
            if item.hasSuffix(".req"), (item as NSString).lastPathComponent == (folder as NSString).lastPathComponent + ".req" {
                found.append(folder)
            }
        }
        return found.sorted()
    }()

    @Test("the suite has 34 cases, nested ones included")
    func caseCount() {
        #expect(Self.cases.count == 34)
        #expect(Self.cases.contains("normalize-path/get-space"))
        #expect(Self.cases.contains("post-sts-token/post-sts-header-after"))
    }

    @Test("canonical request, string to sign and Authorization match, signed plainly and prepared", arguments: cases)
    func matchesSuite(_ path: String) throws {
        let name = (path as NSString).lastPathComponent
        func read(_ ext: String) throws -> String {
            try String(contentsOf: Self.suiteRoot.appendingPathComponent("\(path)/\(name).\(ext)"), encoding: .utf8)
        }
        let request = try RawRequest(try read("req"))
        let creq = try read("creq")
        let sreq = try read("sreq")

        // The token: signed when the expected canonical request lists it, added afterwards when only
        // the signed request has it (post-sts-header-after).
        var credentials = Self.credentials
        var signToken = true
        if let token = Self.headerValue("x-amz-security-token", in: creq) {
            credentials.sessionToken = token
        } else if let token = Self.headerValue("x-amz-security-token", in: sreq) {
            credentials.sessionToken = token
            signToken = false
        }
        let signer = AWSSigV4Signer(credentials: credentials, service: "service", region: "us-east-1")
        let host = request.headers.first { $0.name.lowercased() == "host" }?.value ?? ""
        let url = "https://\(host)\(request.target)"
        let body = Array(request.body.utf8)
        let plain = try signer.sign(
            method: request.method,
            url: url,
            headers: request.headers,
            body: body,
            date: Self.date,
            signSecurityToken: signToken
        )
        let prepared = try AWSSigV4PreparedRequest(
            signer: signer,
            method: request.method,
            url: url,
            headers: request.headers,
            signSecurityToken: signToken
        )
        for signed in [plain, prepared.sign(body: body, date: Self.date)] {
            #expect(signed.canonicalRequest == creq)
            #expect(signed.stringToSign == (try read("sts")))
            #expect(signed.authorization == (try read("authz")))
            #expect(signed.headers.last?.value == signed.authorization)
            if let token = credentials.sessionToken {
                #expect(signed.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == token })
            }
        }
    }

    static func headerValue(_ lowerName: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.lowercased().hasPrefix(lowerName + ":") {
            return String(line.dropFirst(lowerName.count + 1))
        }
        return nil
    }
}

/// A `.req` file: request line, headers (continuation lines folded into the previous value), body.
struct RawRequest {
    var method: String
    var target: String
    var headers: [(name: String, value: String)] = []
    var body = ""

    init(_ text: String) throws {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "),
            let version = requestLine.range(of: " HTTP/", options: .backwards)
        else { throw CocoaError(.fileReadCorruptFile) }
        method = String(requestLine[..<firstSpace])
        target = String(requestLine[requestLine.index(after: firstSpace)..<version.lowerBound])
        while !lines.isEmpty {
            let line = lines.removeFirst()
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        body = lines.joined(separator: "\n")
    }
}
