import Foundation
import PushgateCore

/// Reads the kubeconfig subset a push gateway needs (docs/provider-apis.md §10.1): `clusters`, `users`,
/// `contexts` and `current-context`, with `certificate-authority(-data)`, `client-certificate(-data)`,
/// `client-key(-data)`, `token`, `tokenFile` and `exec` credential plugins. The file is YAML as kubectl writes
/// it (read by ``KubeconfigYAML``), or JSON when it starts with `{` (`kubectl config view --flatten --raw -o json`);
/// both become one ``JSONValue`` read the same way. Errors name `FILE:LINE` and never quote a value, since a
/// kubeconfig holds keys and tokens.
package enum KubeconfigFile {
    /// The cluster and user of `context` (nil: `current-context`).
    /// - Throws: ``CredentialsError`` `.invalidFile` naming `path` and the line.
    package static func parse(_ text: String, path: String, context requested: String?) throws -> KubernetesCluster {
        let root: JSONValue
        let locate: (String) -> Int
        if text.drop(while: \.isWhitespace).first == "{" {
            do {
                root = try JSONValue.parse(text)
            } catch {
                throw CredentialsError(.invalidFile, "\(path):\(error.line): column \(error.column): \(error.message)")
            }
            locate = { line(of: $0, in: text) }
        } else {
            let document = try KubeconfigYAML.parse(text, path: path)
            guard document.value.objectValue != nil else {
                throw CredentialsError(.invalidFile, "\(path):1: the kubeconfig is empty or not a mapping (clusters, users, contexts)")
            }
            root = document.value
            locate = { line(of: $0, in: document.lines) }
        }
        func fail(_ needle: String, _ message: String) -> CredentialsError {
            CredentialsError(.invalidFile, "\(path):\(locate(needle)): \(message)")
        }
        // A number or boolean where kubectl wants a string (an unquoted `namespace: 2024` in YAML) is refused, as
        // client-go's decoder does, instead of being read as absent.
        for (list, member) in [("clusters", "cluster"), ("users", "user"), ("contexts", "context")] {
            for (index, item) in (root[list]?.arrayValue ?? []).enumerated() {
                try requireStrings(item, ["name"], at: "\(list)[\(index)]", fail: fail)
                try requireStrings(item[member] ?? [:], stringMembers, at: "\(list)[\(index)].\(member)", fail: fail)
                if let exec = item[member]?["exec"] {
                    try requireStrings(exec, ["command", "apiVersion", "interactiveMode"], at: "\(list)[\(index)].\(member).exec", fail: fail)
                }
            }
        }
        try requireStrings(root, ["current-context"], at: "", fail: fail)
        guard let contextName = requested ?? root.nonEmptyString("current-context") else {
            throw fail("\"current-context\"", "no current-context and the profile names no context")
        }
        func entry(_ list: String, _ name: String, _ member: String) throws -> JSONValue {
            let found = (root[list]?.arrayValue ?? []).first { $0["name"]?.stringValue == name }
            guard let found else { throw fail("\"\(list)\"", "\(list): no entry named '\(name)'") }
            guard let body = found[member], body.objectValue != nil else {
                throw fail("\"\(name)\"", "\(list) '\(name)': no \(member) object")
            }
            return body
        }
        let context = try entry("contexts", contextName, "context")
        guard let clusterName = context.nonEmptyString("cluster") else {
            throw fail("\"\(contextName)\"", "context '\(contextName)': no cluster")
        }
        let cluster = try entry("clusters", clusterName, "cluster")
        let user = try context.nonEmptyString("user").map { try entry("users", $0, "user") } ?? [:]
        guard let server = cluster.nonEmptyString("server") else {
            throw fail("\"\(clusterName)\"", "cluster '\(clusterName)': no server")
        }
        if cluster["insecure-skip-tls-verify"]?.boolValue == true {
            throw fail("\"insecure-skip-tls-verify\"", "cluster '\(clusterName)': insecure-skip-tls-verify is refused; TLS is always verified")
        }
        for refused in ["auth-provider", "username", "password"] where user[refused] != nil {
            throw fail(
                "\"\(refused)\"",
                "user of context '\(contextName)': \(refused) credentials are not supported (use token, tokenFile, exec or a client certificate)"
            )
        }
        let folder = (path as NSString).deletingLastPathComponent
        let exec = try user["exec"].map { try execPlugin($0, server: server, folder: folder, fail: fail) }
        if exec != nil, user["token"] != nil || user["tokenFile"] != nil {
            throw fail("\"exec\"", "user of context '\(contextName)': exec and token/tokenFile are exclusive; keep one")
        }
        func pem(_ object: JSONValue, _ key: String) throws -> KubernetesCluster.PEMSource? {
            if let encoded = object.nonEmptyString(key + "-data") {
                guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                    throw fail("\"\(key)-data\"", "\(key)-data is not base64 PEM")
                }
                return .data(SecretValue(text))
            }
            return object.nonEmptyString(key).map { .file(resolve($0, in: folder)) }
        }
        let certificate = try pem(user, "client-certificate")
        let key = try pem(user, "client-key")
        if (certificate == nil) != (key == nil) {
            throw fail("\"client-", "user of context '\(contextName)': client-certificate and client-key go together")
        }
        return KubernetesCluster(
            server: server,
            contextName: contextName,
            namespace: context.nonEmptyString("namespace"),
            certificateAuthority: try pem(cluster, "certificate-authority"),
            clientCertificate: certificate,
            clientKey: key,
            token: user.nonEmptyString("token").map(SecretValue.init),
            tokenFile: user.nonEmptyString("tokenFile").map { resolve($0, in: folder) },
            exec: exec
        )
    }

    /// A user's `exec` object: `command` (relative paths holding a `/` resolved against the kubeconfig's
    /// folder, as kubectl does), `args`, `env` as `{name, value}` items, a known `apiVersion`, and an
    /// `interactiveMode` other than `Always` (the gateway has no terminal to offer).
    static func execPlugin(
        _ exec: JSONValue,
        server: String,
        folder: String,
        fail: (String, String) -> CredentialsError
    ) throws -> KubernetesExecPlugin {
        guard exec.objectValue != nil, let command = exec.nonEmptyString("command") else {
            throw fail("\"exec\"", "exec: command is required")
        }
        guard let version = exec.nonEmptyString("apiVersion"), KubernetesExecPlugin.apiVersions.contains(version) else {
            throw fail("\"exec\"", "exec: apiVersion must be one of \(KubernetesExecPlugin.apiVersions.joined(separator: ", "))")
        }
        if exec["interactiveMode"]?.stringValue == "Always" {
            throw fail("\"interactiveMode\"", "exec: interactiveMode Always needs a terminal, which the gateway never has (use Never or IfAvailable)")
        }
        var arguments: [String] = []
        if let list = exec["args"], list != .null {
            guard let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("\"args\"", "exec: args must be a list of strings")
            }
            arguments = items.compactMap(\.stringValue)
        }
        var environment: [String: String] = [:]
        if let list = exec["env"], list != .null {
            guard let items = list.arrayValue else { throw fail("\"env\"", "exec: env must be a list of {name, value}") }
            for item in items {
                guard let name = item.nonEmptyString("name"), let value = item["value"]?.stringValue else {
                    throw fail("\"env\"", "exec: every env item needs a name and a string value")
                }
                environment[name] = value
            }
        }
        let resolved = command.contains("/") ? resolve(command, in: folder) : command
        return KubernetesExecPlugin(
            command: resolved,
            arguments: arguments,
            environment: environment,
            apiVersion: version,
            provideClusterInfo: exec["provideClusterInfo"]?.boolValue ?? false,
            server: server
        )
    }

    /// The in-cluster configuration client-go uses: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`,
    /// the service account's `token` (re-read) and `ca.crt`, and its `namespace` when the file exists.
    package static func inCluster(environment: [String: String], directory: String, place: String) throws -> KubernetesCluster {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw CredentialsError(
                .notConfigured,
                "\(place): source = in_cluster but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod)"
            )
        }
        let namespace = try? String(contentsOfFile: directory + "/namespace", encoding: .utf8)
        let address = host.contains(":") ? "[\(host)]" : host
        return KubernetesCluster(
            server: "https://\(address):\(port)",
            contextName: "in-cluster",
            namespace: namespace?.trimmingCharacters(in: .whitespacesAndNewlines),
            certificateAuthority: .file(directory + "/ca.crt"),
            tokenFile: directory + "/token"
        )
    }

    /// kubectl resolves relative paths in a kubeconfig against the file's folder.
    static func resolve(_ file: String, in folder: String) -> String {
        file.hasPrefix("/") || folder.isEmpty ? file : folder + "/" + file
    }

    /// The string members of clusters, users and contexts that pushgate reads.
    static let stringMembers = [
        "server", "certificate-authority", "certificate-authority-data", "client-certificate", "client-certificate-data",
        "client-key", "client-key-data", "token", "tokenFile", "cluster", "user", "namespace",
    ]

    /// Refuses a number, boolean, list or mapping in `keys` of `object`, naming the key path, never the value.
    static func requireStrings(_ object: JSONValue, _ keys: [String], at place: String, fail: (String, String) -> CredentialsError) throws {
        for key in keys {
            guard let value = object[key], value != .null, value.stringValue == nil else { continue }
            let name = place.isEmpty ? key : place + "." + key
            let article = "aeiou".contains(value.typeName.prefix(1)) ? "an" : "a"
            throw fail("\"\(key)\"", "\(name) must be a string, not \(article) \(value.typeName) (quote it)")
        }
    }

    /// The line of a YAML kubeconfig's first key or string equal to `needle` (a JSON needle: `"key"`, or
    /// `"prefix` without the closing quote), 1 when absent.
    static func line(of needle: String, in lines: [String: Int]) -> Int {
        let bare = needle.hasPrefix("\"") ? String(needle.dropFirst()) : needle
        if bare.hasSuffix("\"") { return lines[String(bare.dropLast())] ?? 1 }
        return lines.filter { $0.key.hasPrefix(bare) }.map(\.value).min() ?? 1
    }

    /// The 1-based line of the first `needle` in `text` (1 when absent), so an error points at the entry.
    static func line(of needle: String, in text: String) -> Int {
        guard let range = text.range(of: needle) else { return 1 }
        return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }
}
