extension DockerProfile: CredentialProfile {
    package static let kind = "docker"

    /// `[docker NAME]`: `host`, `cert_path`, `tls_verify` (true/false), and `registry_username` with
    /// `registry_password` (and optionally `registry_server`) together.
    static func parse(_ r: inout CredentialsFile.Reader) throws -> DockerProfile {
        let host = r.string("host")
        if let host, !host.hasPrefix("unix:///"), !host.hasPrefix("tcp://") {
            throw CredentialsError(.invalidValue, "\(r.place("host")): host: expected unix:///PATH or tcp://HOST:PORT")
        }
        var tlsVerify: Bool?
        if let text = r.string("tls_verify") {
            switch text.lowercased() {
            case "true", "1", "yes": tlsVerify = true
            case "false", "0", "no": tlsVerify = false
            default: throw CredentialsError(.invalidValue, "\(r.place("tls_verify")): tls_verify: expected true or false")
            }
        }
        let username = r.string("registry_username")
        let password = r.string("registry_password")
        let server = r.string("registry_server")
        var auth: DockerRegistryAuth?
        switch (username, password) {
        case (let username?, let password?):
            auth = DockerRegistryAuth(username: username, password: SecretValue(password), serverAddress: server)
        case (nil, nil):
            if server != nil {
                throw CredentialsError(.invalidValue, "\(r.place("registry_server")): registry_server: needs registry_username and registry_password")
            }
        default:
            throw CredentialsError(.invalidValue, "\(r.place): [docker \(r.section.name)]: registry_username and registry_password go together")
        }
        let profile = DockerProfile(
            name: r.section.name,
            host: host,
            certPath: r.string("cert_path"),
            tlsVerify: tlsVerify,
            registryAuth: auth,
            place: r.place
        )
        return profile
    }
}

extension DockerProfile {
    package var secretValues: [String] { registryAuth.map { [$0.password.value] } ?? [] }
}

extension CredentialProfileKind {
    package static let docker = CredentialProfileKind(DockerProfile.self, parse: DockerProfile.parse)
}

extension CredentialsFile {
    package func dockerProfile(_ name: String) throws -> DockerProfile {
        try profile(DockerProfile.self, named: name)
    }
}
