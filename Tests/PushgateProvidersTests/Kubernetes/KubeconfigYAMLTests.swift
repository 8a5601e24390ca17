import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

/// The YAML kubeconfig reader (docs/provider-apis.md §10.1): the kubeconfigs kubectl, EKS, GKE, kind, minikube
/// and k3s write read to the same cluster as their JSON equivalents, the subset compared with PyYAML, and
/// everything outside the subset refused at `FILE:LINE:COLUMN` without quoting a value.
@Suite("Kubernetes: YAML kubeconfigs")
struct KubeconfigYAMLTests {
    /// Fixtures under Tests/Fixtures/kubernetes/kubeconfig/ with a `.json` equivalent written by PyYAML.
    static let kubeconfigs = ["kubectl", "eks", "gke", "kind", "minikube", "k3s", "hand-edited"]
    /// Every YAML fixture, including the non-kubeconfig tour of the subset.
    static let yamlFixtures = kubeconfigs + ["yaml-subset"]

    static func fixture(_ name: String) throws -> String { try Fixtures.string("kubernetes/kubeconfig/\(name)") }

    static func yaml(_ text: String) throws -> JSONValue { try KubeconfigYAML.parse(text, path: "k.yaml").value }

    /// The error `text` is refused with.
    static func refusal(_ text: String) -> CredentialsError? {
        do {
            _ = try yaml(text)
            return nil
        } catch let error as CredentialsError {
            return error
        } catch {
            return nil
        }
    }

    @Test(arguments: kubeconfigs)
    func aYAMLKubeconfigReadsToTheSameClusterAsItsJSONEquivalent(name: String) throws {
        let yaml = try Self.fixture("\(name).yaml")
        let json = try Self.fixture("\(name).json")
        #expect(try Self.yaml(yaml) == JSONValue.parse(json))
        let contexts = try JSONValue.parse(json)["contexts"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(!contexts.isEmpty)
        for context in [nil] + contexts {
            let fromYAML = try KubeconfigFile.parse(yaml, path: "/etc/kube/\(name)", context: context)
            let fromJSON = try KubeconfigFile.parse(json, path: "/etc/kube/\(name)", context: context)
            #expect(fromYAML == fromJSON, "\(name) context \(context ?? "current")")
        }
    }

    @Test func theFixturesReadAsTheirToolsMeanThem() throws {
        let eks = try KubeconfigFile.parse(Self.fixture("eks.yaml"), path: "/k/config", context: nil)
        #expect(eks.server == "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com")
        #expect(eks.contextName == "arn:aws:eks:us-west-2:111122223333:cluster/flows-prod")
        #expect(eks.exec?.command == "aws")
        #expect(eks.exec?.arguments.prefix(4) == ["--region", "us-west-2", "eks", "get-token"])
        #expect(eks.exec?.environment == ["AWS_PROFILE": "platform-admin", "AWS_STS_REGIONAL_ENDPOINTS": "regional"])
        let gke = try KubeconfigFile.parse(Self.fixture("gke.yaml"), path: "/k/config", context: nil)
        #expect(gke.exec?.command == "gke-gcloud-auth-plugin")
        #expect(gke.exec?.provideClusterInfo == true)
        let hint = try Self.yaml(Self.fixture("gke.yaml"))["users"]?.arrayValue?.first?.member(at: "user", "exec", "installHint")
        #expect(
            hint?.stringValue?.hasSuffix(
                "by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin"
            ) == true
        )
        let kind = try KubeconfigFile.parse(Self.fixture("kind.yaml"), path: "/k/config", context: nil)
        guard case .data(let certificate) = kind.clientCertificate else {
            Issue.record("kind: no inline client certificate")
            return
        }
        #expect(certificate.value.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let minikube = try KubeconfigFile.parse(Self.fixture("minikube.yaml"), path: "/k/config", context: nil)
        #expect(minikube.namespace == "default")
        #expect(minikube.clientKey == .file("/home/dev/.minikube/profiles/minikube/client.key"))
        let edited = try KubeconfigFile.parse(Self.fixture("hand-edited.yaml"), path: "/k/config", context: nil)
        #expect(edited.namespace == "2024")
        #expect(edited.exec?.arguments == ["--verbosity", "error", "--quiet"])
        let numbered = try KubeconfigFile.parse(Self.fixture("hand-edited.yaml"), path: "/k/config", context: "numbered")
        #expect(numbered.server == "https://10.0.0.9:6443")
        #expect(numbered.certificateAuthority == .file("/k/./ca.pem"))
        #expect(numbered.token?.value == "tok-ABC\ttab-and-escapes")
    }

    /// PyYAML's `safe_load` is an independent reader: every fixture must read to the same value. PyYAML is YAML
    /// 1.1, so the fixtures avoid where 1.1 and 1.2 differ (`yes`, `1e3`, `0o17`, leading-zero octals).
    @Test(
        .enabled(if: PythonScript.canImport("yaml") || MotoServer.isRequired, "PyYAML is not installed"),
        arguments: yamlFixtures
    )
    func everyFixtureReadsAsPyYAMLReadsIt(name: String) throws {
        let path = Fixtures.url("kubernetes/kubeconfig/\(name).yaml").path
        let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), ensure_ascii=False))"
        let theirs = try JSONValue.parse(PythonScript.run(script, arguments: [path]))
        #expect(try Self.yaml(Self.fixture("\(name).yaml")) == theirs)
    }

    @Test func plainScalarsAreTypedByTheCoreSchemaAndQuotedOnesStayStrings() throws {
        let cases: [(String, JSONValue)] = [
            ("42", 42), ("-17", -17), ("+3", 3), ("0o17", 15), ("0x1F", 31), ("1.2", 1.2), ("1e3", 1000.0), (".5", 0.5),
            ("true", true), ("False", false), ("TRUE", true), ("null", nil), ("~", nil), ("", nil), ("NULL", nil),
            ("yes", "yes"), ("on", "on"), ("v1.2", "v1.2"), ("1.2.3", "1.2.3"), ("0x", "0x"), ("12abc", "12abc"),
            ("\"1.2\"", "1.2"), ("'42'", "42"), ("\"true\"", "true"), ("'null'", "null"), ("\"\"", ""), ("''", ""),
        ]
        for (text, expected) in cases {
            #expect(try Self.yaml("v: \(text)\n")["v"] == expected, "\(text)")
        }
        #expect(try Self.yaml("v:\n")["v"] == .null)
        #expect(try Self.yaml("") == .null)
        #expect(try Self.yaml("# only a comment\n---\n") == .null)
    }

    @Test func blockScalarsFollowTheirChompingAndIndentationIndicators() throws {
        let cases: [(String, String)] = [
            ("|\n  a\n   b\n\n", "a\n b\n"),
            ("|-\n  a\n\n", "a"),
            ("|+\n  a\n\n", "a\n\n"),
            ("|\n  a", "a"),
            (">\n  a\n  b\n\n  c\n", "a b\nc\n"),
            (">-\n  a\n   more\n  b\n", "a\n more\nb"),
            (">+\n  a\n\n", "a\n\n"),
            ("|2\n   a\n  b\n", " a\nb\n"),
            ("|-2\n   a\n", " a"),
            ("|2-\n   a\n", " a"),
            ("|\n\n  a\n", "\na\n"),
            ("| # a comment\n  # not a comment\n", "# not a comment\n"),
            ("|\nnext: 1\n", ""),
            ("|-\n\n  \n", ""),
            ("|+\n\n    \nnext: 1\n", "\n\n"),
        ]
        for (scalar, expected) in cases {
            let value = try Self.yaml("v: \(scalar)")
            #expect(value["v"] == .string(expected), "\(scalar.debugDescription)")
        }
        #expect(try Self.yaml("v: |\nnext: 1\n")["next"] == 1)
        #expect(try Self.yaml("- |\n  a\n- >\n  b\n  c\n") == ["a\n", "b c\n"])
    }

    @Test func quotedScalarsUnescapeAndFoldLines() throws {
        #expect(try Self.yaml(#"v: "a\tb\n\"\\\/\x41\u00e9\U0001F600\ \_""#)["v"] == "a\tb\n\"\\/Aé😀 \u{A0}")
        #expect(try Self.yaml("v: 'it''s'")["v"] == "it's")
        #expect(try Self.yaml("v: \"one  \n  two\n\n  three\\\n  four\"\n")["v"] == "one two\nthreefour")
        #expect(try Self.yaml("v: 'a\n  b'\nw: 1\n") == ["v": "a b", "w": 1])
        #expect(try Self.yaml("\"k: x\": 1\n'#k': 2\n") == ["k: x": 1, "#k": 2])
    }

    @Test func sequencesAndMappingsNestAsKubectlWritesThem() throws {
        let text = """
            users:
            - name: a
              user:
                args:
                - x
                - y
                env: []
            -   name: b
                user: {}
            - - nested
            -
              name: c
            other: {a: 1, b: [x, 'y'], c: }
            """
        let expected: JSONValue = [
            "users": [
                ["name": "a", "user": ["args": ["x", "y"], "env": []]],
                ["name": "b", "user": [:]],
                ["nested"],
                ["name": "c"],
            ],
            "other": ["a": 1, "b": ["x", "y"], "c": nil],
        ]
        #expect(try Self.yaml(text) == expected)
        #expect(try Self.yaml("\u{FEFF}a: 1\r\nb:\r\n  - 2\r\n") == ["a": 1, "b": [2]])
        #expect(try Self.yaml("--- # the document\na: 1\n...\n# done\n") == ["a": 1])
    }

    @Test func whatTheSubsetLeavesOutIsRefusedAtItsLineAndColumn() {
        let cases: [(String, String, String)] = [
            ("a: &anchor 1\n", "k.yaml:1:4:", "anchor (&)"),
            ("a: 1\nb: *anchor\n", "k.yaml:2:4:", "alias (*)"),
            ("a:\n  - *x\n", "k.yaml:2:5:", "alias (*)"),
            ("a: !!str 1\n", "k.yaml:1:4:", "tag (!)"),
            ("!local\na: 1\n", "k.yaml:1:1:", "tag (!)"),
            ("a: [!x 1]\n", "k.yaml:1:5:", "tag (!)"),
            ("a: 1\n---\nb: 2\n", "k.yaml:2:1:", "second document"),
            ("a: 1\n...\n---\nb: 2\n", "k.yaml:3:1:", "second document"),
            ("%YAML 1.2\n---\na: 1\n", "k.yaml:1:1:", "directive"),
            ("a:\n\tb: 1\n", "k.yaml:2:1:", "tab in the indentation"),
            ("a:\n  b: 1\n \tc: 2\n", "k.yaml:3:2:", "tab in the indentation"),
            ("? a\n: b\n", "k.yaml:1:1:", "complex key"),
            ("a:\n  ? b\n", "k.yaml:2:3:", "complex key"),
            ("[a, b]: c\n", "k.yaml:1:1:", "complex key"),
            ("a: {[b]: c}\n", "k.yaml:1:5:", "complex key"),
            ("a: b: c\n", "k.yaml:1:4:", "mapping on the same line"),
            ("a: - b\n", "k.yaml:1:4:", "block sequence on the same line"),
            ("a: {}\n  b: 2\n", "k.yaml:2:3:", "indented more"),
            ("a: 1\na: 2\n", "k.yaml:2:1:", "twice"),
            ("a: 1\n- b\n", "k.yaml:2:1:", "sequence entry"),
            ("a: [1,\n  2]\n", "k.yaml:1:7:", "spans lines"),
            ("a: \"open\n", "k.yaml:1:4:", "never closed"),
            ("a: \"\\q\"\n", "k.yaml:1:5:", "unknown escape"),
            ("a: \"\\x4\"\n", "k.yaml:1:5:", "hex digits"),
            ("a: \"x\" y\n", "k.yaml:1:8:", "after a quoted scalar"),
            ("a: b\n  c: d\n", "k.yaml:2:4:", "key (:) inside a plain scalar"),
            ("a: |x\n", "k.yaml:1:5:", "block scalar header"),
            ("a: |\n    x\n  y\n", "k.yaml:3:3:", "indented more"),
            ("a: @x\n", "k.yaml:1:4:", "reserved indicator"),
            ("a: ]\n", "k.yaml:1:4:", "outside a flow collection"),
            ("a: [a: 1]\n", "k.yaml:1:6:", "inside a flow sequence"),
            ("a: [\"1\" 2]\n", "k.yaml:1:9:", "where , or ] was expected"),
            ("  a: 1\nb: 2\n", "k.yaml:2:1:", "indented less"),
            ("a: \"x\nb: 1\n", "k.yaml:2:1:", "not indented more"),
            ("a: 1\nplain\n", "k.yaml:2:1:", "mapping key"),
            ("a: \"x\"#no space before the comment\n", "k.yaml:1:7:", "after a quoted scalar"),
        ]
        for (text, place, what) in cases {
            let error = Self.refusal(text)
            #expect(error?.code == .invalidFile, "\(text.debugDescription)")
            #expect(error?.message.hasPrefix(place) == true, "\(text.debugDescription): \(error?.message ?? "accepted")")
            #expect(error?.message.contains(what) == true, "\(text.debugDescription): \(error?.message ?? "accepted")")
        }
    }

    /// The limits JSON kubeconfigs have: nesting depth 64 (no stack overflow however deep the input) and 1 MiB.
    @Test func deepNestingAndHugeFilesAreRefused() {
        let deep = [
            "a: " + String(repeating: "[", count: 10_000),
            String(repeating: "- ", count: 10_000) + "x\n",
            (0..<100).map { String(repeating: " ", count: $0) + "k:\n" }.joined(),
        ]
        for text in deep {
            #expect(Self.refusal(text)?.message.contains("nested deeper than 64 levels") == true)
        }
        let huge = "a: " + String(repeating: "x", count: 1 << 20) + "\n"
        #expect(Self.refusal(huge)?.message.hasPrefix("k.yaml:1:1: found a file larger than 1 MiB") == true)
    }

    @Test func errorsNameTheKeyPathAndNeverQuoteAValue() throws {
        let secret = "s3cr3t-t0ken-value"
        let texts = [
            "users:\n- name: u\n  user:\n    token: \"\(secret)\\q\"\n",
            "users:\n- name: u\n  user:\n    token: \(secret): x\n",
            "users:\n- name: u\n  user:\n    token: '\(secret)\n",
            "users:\n- name: u\n  user:\n    token: \(secret)\n      more: x\n",
            "users:\n- name: u\n  user:\n    token: [\(secret)\n",
            "users:\n- name: u\n  user:\n    token: \"\(secret)\" x\n",
            "users:\n- name: u\n  user:\n    token: {\(secret)\n",
            "users:\n- name: u\n  user:\n    token: |\(secret)\n",
        ]
        for text in texts {
            let error = try #require(Self.refusal(text), "\(text.debugDescription)")
            #expect(!error.message.contains(secret), "\(error.message)")
            #expect(!error.description.contains(secret))
            #expect(error.message.contains("(in users[0].user.token)"), "\(error.message)")
            #expect(error.message.hasPrefix("k.yaml:4:") || error.message.hasPrefix("k.yaml:5:"), "\(error.message)")
        }
    }

    /// Checks `KubeconfigFile` makes on the value point at the YAML line of their key, and a scalar where a string
    /// belongs is refused the way client-go refuses it, not read as missing.
    @Test func kubeconfigChecksPointAtTheYAMLLine() throws {
        let text = """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: c
              cluster:
                server: https://10.0.0.1:6443
            contexts:
            - name: dev
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                auth-provider:
                  name: gcp

            """
        let provider = #expect(throws: CredentialsError.self) { try KubeconfigFile.parse(text, path: "/k.yaml", context: nil) }
        #expect(provider?.message.hasPrefix("/k.yaml:16: ") == true, "\(provider?.message ?? "")")
        let missing = #expect(throws: CredentialsError.self) { try KubeconfigFile.parse(text, path: "/k.yaml", context: "prod") }
        #expect(missing?.message.hasPrefix("/k.yaml:8: contexts: no entry named 'prod'") == true, "\(missing?.message ?? "")")
        let numeric = text.replacingOccurrences(of: "  auth-provider:\n      name: gcp", with: "  token: 1234567")
        let typed = #expect(throws: CredentialsError.self) { try KubeconfigFile.parse(numeric, path: "/k.yaml", context: nil) }
        #expect(typed?.message.hasPrefix("/k.yaml:16: users[0].user.token must be a string, not an integer") == true, "\(typed?.message ?? "")")
        #expect(typed?.message.contains("1234567") == false)
        let list = #expect(throws: CredentialsError.self) {
            try KubeconfigFile.parse(
                text.replacingOccurrences(of: "current-context: dev", with: "current-context: [dev]"),
                path: "/k.yaml",
                context: nil
            )
        }
        #expect(list?.message == "/k.yaml:3: current-context must be a string, not an array (quote it)")
        let quoted = numeric.replacingOccurrences(of: "token: 1234567", with: "token: \"1234567\"")
        #expect(try KubeconfigFile.parse(quoted, path: "/k.yaml", context: nil).token?.value == "1234567")
        for empty in ["", "# nothing\n", "- a\n", "just text\n"] {
            let error = #expect(throws: CredentialsError.self) { try KubeconfigFile.parse(empty, path: "/k.yaml", context: nil) }
            #expect(error?.message.hasPrefix("/k.yaml:1: the kubeconfig is empty or not a mapping") == true, "\(error?.message ?? "")")
        }
    }
}
