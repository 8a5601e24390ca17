import Foundation
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

@Suite("Credentials file")
struct CredentialsFileTests {
    /// The kinds this target's providers declare (the registry's list, which this target cannot see).
    static let allKinds: [CredentialProfileKind] = [.aws, .gcp, .azure, .modal, .docker, .kubernetes]

    static func parse(_ text: String) throws -> CredentialsFile {
        try CredentialsFile(parsing: text, path: "creds.ini", kinds: CredentialsFileTests.allKinds)
    }

    @Test("each profile names its secret values, for the dry run to scrub; profiles without secrets name none")
    func profileSecretValues() throws {
        let path = Fixtures.repositoryRoot().appendingPathComponent("credentials.example").path
        let file = try CredentialsFile.load(path: path, kinds: CredentialsFileTests.allKinds)
        #expect(file.secretValues(kind: "aws", profile: "temporary") == ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLETOKEN"])
        #expect(file.secretValues(kind: "azure", profile: "main") == ["example~client~secret"])
        #expect(file.secretValues(kind: "modal", profile: "main") == ["as-EXAMPLE000000000000"])
        #expect(file.secretValues(kind: "aws", profile: "instance").isEmpty && file.secretValues(kind: "azure", profile: "vm").isEmpty)
        #expect(file.secretValues(kind: "gcp", profile: "main").isEmpty && file.secretValues(kind: "docker", profile: "remote").isEmpty)
        let docker = try CredentialsFile(
            parsing: "[docker r]\nregistry_username = u\nregistry_password = hunter2-secret\n",
            path: "f",
            kinds: [.docker]
        )
        #expect(docker.secretValues(kind: "docker", profile: "r") == ["hunter2-secret"])
        #expect(docker.secretValues(kind: "docker", profile: "absent").isEmpty)
    }

    @Test("credentials.example parses, with every kind and source")
    func example() throws {
        let path = Fixtures.repositoryRoot().appendingPathComponent("credentials.example").path
        let file = try CredentialsFile.load(path: path, kinds: CredentialsFileTests.allKinds)
        #expect(file.names(of: "aws").count == 6)
        #expect(
            try file.awsProfile("prod").source
                == .staticKeys(
                    AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                )
        )
        guard case .assumeRole(let role) = try file.awsProfile("runner").source else {
            Issue.record("runner is not an assume-role profile")
            return
        }
        #expect(role.base == .profile("prod"))
        #expect(role.externalID == "pushgate-7f3a")
        #expect(role.sessionName == "pushgate-runner")
        #expect(try file.awsProfile("instance").source == .chain(sharedProfile: nil))
        guard case .assumeRole(let chainRole) = try file.awsProfile("chain-role").source else {
            Issue.record("chain-role is not an assume-role profile")
            return
        }
        #expect(chainRole.base == .chain)
        #expect(try file.awsProfile("moto").endpointURL == "http://127.0.0.1:5055")
        #expect(try file.gcpProfile("on-gce").source == .metadata)
        #expect(try file.gcpProfile("emulator").tokenURI == "http://127.0.0.1:8085/token")
        #expect(try file.gcpProfile("main").scopes == [GoogleServiceAccountAssertion.cloudPlatformScope])
        #expect(try file.azureProfile("vm").source == .managedIdentity(clientID: "33333333-3333-3333-3333-333333333333"))
        #expect(try file.modalProfile("main").credentials.tokenID == "ak-EXAMPLE000000000000")
        #expect(try file.modalProfile("main").environment == "main")
    }

    @Test(
        "plain http is refused for non-loopback hosts, naming FILE:LINE and the key",
        arguments: [
            ("aws", "endpoint_url", "http://ecs.example.com"), ("aws", "sts_endpoint", "http://10.0.0.1:8080"),
            ("aws", "imds_endpoint", "http://192.168.1.1"), ("gcp", "token_uri", "http://oauth2.example.com/token"),
            ("gcp", "run_endpoint", "http://128.0.0.1"), ("gcp", "metadata_endpoint", "http://evil.example"),
            ("azure", "authority", "http://login.example.com"), ("azure", "management_endpoint", "http://[::2]:80"),
            ("azure", "imds_endpoint", "http://localhost.example.com"), ("modal", "server_url", "http://api.modal.com"),
        ]
    )
    func httpRefused(_ kind: String, _ key: String, _ url: String) throws {
        let text = "\(Self.minimal(kind))\(key) = \(url)\n"
        let error = #expect(throws: CredentialsError.self) { try Self.parse(text) }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.hasPrefix("creds.ini:4: \(key):") == true, "\(String(describing: error))")
    }

    @Test(
        "plain http is accepted for loopback hosts, https everywhere",
        arguments: [
            "http://127.0.0.1:5055", "http://127.9.8.7", "http://[::1]:8080/", "http://localhost:9000/base",
            "https://ecs.example.com", "http://LOCALHOST",
        ]
    )
    func httpServerAccepted(_ url: String) throws {
        let file = try Self.parse("\(Self.minimal("aws"))endpoint_url = \(url)\n")
        #expect(try file.awsProfile("p").endpointURL == (url.hasSuffix("/") ? String(url.dropLast()) : url))
    }

    @Test("metadata endpoints accept the link-local metadata hosts")
    func metadataHosts() throws {
        let file = try Self.parse("[gcp g]\nsource = metadata\nmetadata_endpoint = http://metadata.google.internal\n")
        #expect(try file.gcpProfile("g").metadataEndpoint == "http://metadata.google.internal")
        #expect(throws: CredentialsError.self) {
            try Self.parse("[gcp g]\nsource = metadata\nrun_endpoint = http://metadata.google.internal\n")
        }
    }

    @Test(
        "bad files fail with FILE:LINE and never echo a secret",
        arguments: [
            (
                "[aws a]\naccess_key_id = AKID\nsecret_access_key = SUPERSECRET\nsecret_acess_key = SUPERSECRET2\n",
                "creds.ini:4: secret_acess_key: unknown key"
            ),
            ("[aws a]\naccess_key_id = AKID\n", "creds.ini:1: [aws a]: access_key_id and secret_access_key go together"),
            ("[aws a]\nsecret_access_key = SUPERSECRET\nsecret_access_key = SUPERSECRET\n", "creds.ini:3: secret_access_key: duplicate key"),
            ("[aws a]\nsource = chain\n[aws a]\nsource = chain\n", "creds.ini:3: duplicate section [aws a]"),
            ("access_key_id = AKID\n", "creds.ini:1: access_key_id: key outside any"),
            ("[gce a]\nsource = metadata\n", "creds.ini:1: unknown section kind \"gce\""),
            ("[aws a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n", "creds.ini:1: source_profile: no [aws b]"),
            ("[aws a]\nrole_arn = r\nsource_profile = b\n[aws b]\nrole_arn = r\nsource_profile = a\n", "source_profile: cycle"),
            ("[aws a]\nsource = chain\nduration_seconds = 10\n", "creds.ini:3: duration_seconds: needs role_arn"),
            ("[aws a]\nrole_arn = r\nsource = chain\nduration_seconds = 99999\n", "creds.ini:4: duration_seconds: expected an integer"),
            ("[azure z]\ntenant_id = t\nclient_id = c\n", "creds.ini:1: [azure z]: client_secret is required"),
            ("[azure z]\nsource = managed_identity\nclient_secret = SUPERSECRET\n", "creds.ini:3: client_secret: not used"),
            ("[modal m]\ntoken_id = ak-1\n", "creds.ini:1: [modal m]: token_secret is required"),
            ("[modal m]\ntoken_id = ak-1\ntoken_secret = SUPERSECRET\nserver_url = ftp://x\n", "creds.ini:4: server_url: unsupported scheme"),
            ("[gcp g]\nkey_file = a.json\nsource = metadata\n", "creds.ini:1: [gcp g]: give exactly one"),
            ("[aws a]\njust a line\n", "creds.ini:2: expected KEY = VALUE"),
        ]
    )
    func badFiles(_ text: String, _ expected: String) throws {
        let error = #expect(throws: CredentialsError.self) { try Self.parse(text) }
        let description = error.map { "\($0) \(String(reflecting: $0))" } ?? ""
        #expect(description.contains(expected), "\(description)")
        #expect(!description.contains("SUPERSECRET"))
    }

    @Test("profiles and their descriptions hide secrets")
    func redaction() throws {
        let file = try Self.parse(
            """
            [aws a]
            access_key_id = AKID
            secret_access_key = SUPERSECRET-AWS
            session_token = SUPERSECRET-TOKEN
            [azure z]
            tenant_id = t
            client_id = c
            client_secret = SUPERSECRET-AZURE
            [modal m]
            token_id = ak-1
            token_secret = SUPERSECRET-MODAL
            """
        )
        var dumped = ""
        dump(file, to: &dumped)
        for text in [
            "\(file)", String(reflecting: file), dumped, "\(try file.modalProfile("m").credentials)",
            "\(try file.azureProfile("z"))",
        ] {
            #expect(!text.contains("SUPERSECRET"), "\(text)")
        }
        #expect(try file.modalProfile("m").credentials.tokenSecret.value == "SUPERSECRET-MODAL")
        #expect(throws: CredentialsError.self) { try file.gcpProfile("a") }
    }

    static func minimal(_ kind: String) -> String {
        switch kind {
        case "aws": return "# comment\n[aws p]\nsource = chain\n"
        case "gcp": return "# comment\n[gcp p]\nsource = metadata\n"
        case "azure": return "# comment\n[azure p]\nsource = managed_identity\n"
        default: return "[modal p]\ntoken_id = ak-1\ntoken_secret = as-1\n"
        }
    }
}
