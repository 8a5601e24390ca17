import PushgateProviders
import Testing

/// A kind declared the way a provider folder declares one: nothing in CredentialsFile names it.
private struct ExampleProfile: CredentialProfile {
    static let kind = "example"
    var name: String
    var place: String
    var endpoint: String

    static func parse(_ r: inout CredentialsFile.Reader) throws -> ExampleProfile {
        ExampleProfile(name: r.section.name, place: r.place, endpoint: try r.required("endpoint", because: "for an example profile"))
    }
}

@Suite("Credential profile kinds")
struct CredentialProfileKindTests {
    private let example = CredentialProfileKind(ExampleProfile.self, parse: ExampleProfile.parse)

    @Test("a kind declared outside the credentials file parses, with its keys checked")
    func pluggableKind() throws {
        let file = try CredentialsFile(
            parsing: "[example one]\nendpoint = http://127.0.0.1:1\n[aws one]\nsource = chain\n",
            path: "f.ini",
            kinds: [.aws, example]
        )
        #expect(try file.profile(ExampleProfile.self, named: "one").endpoint == "http://127.0.0.1:1")
        #expect(file.names(of: "example") == ["one"])
        #expect(file.kindsPresent == ["aws", "example"])
        let typo = #expect(throws: CredentialsError.self) {
            try CredentialsFile(parsing: "[example one]\nendpoint = x\nendpoitn = y\n", path: "f.ini", kinds: [example])
        }
        #expect(typo?.message == "f.ini:3: endpoitn: unknown key for [example one]")
        let missing = #expect(throws: CredentialsError.self) {
            try CredentialsFile(parsing: "[example two]\n", path: "f.ini", kinds: [example])
        }
        #expect(missing?.message == "f.ini:1: [example two]: endpoint is required for an example profile")
    }

    @Test("an unregistered kind is refused, naming the kinds this build reads")
    func unknownKind() throws {
        let error = #expect(throws: CredentialsError.self) {
            try CredentialsFile(parsing: "[example one]\nendpoint = x\n", path: "f.ini", kinds: [.aws, .gcp, .docker])
        }
        #expect(error?.message == "f.ini:1: unknown section kind \"example\" (expected aws, gcp or docker)")
    }

    @Test("a profile missing under its kind but present under another says so")
    func otherKindNamed() throws {
        let file = try CredentialsFile(parsing: "[example main]\nendpoint = x\n", path: "f.ini", kinds: [.aws, example])
        let error = #expect(throws: CredentialsError.self) { try file.awsProfile("main") }
        #expect(error?.message == "no [aws main] profile in f.ini; there is an [example main] profile")
        #expect(CredentialsFile.empty().names(of: "aws").isEmpty)
    }
}
