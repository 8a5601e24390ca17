/// Where and how a request connects when that is not just its URL's host: a local unix socket (the Docker
/// Engine API's `/var/run/docker.sock`) or TLS with a client certificate (a `tcp://` Docker daemon with
/// `DOCKER_TLS_VERIFY`). Per request, so one transport serves every provider.
package struct HTTPConnectionOptions: Sendable, Equatable {
    /// Connect to this unix socket instead of the URL's host and port (CURLOPT_UNIX_SOCKET_PATH); the URL
    /// still gives the path and the `Host` header.
    package var unixSocketPath: String?
    /// A PEM client certificate presented in the TLS handshake (CURLOPT_SSLCERT).
    package var clientCertificatePath: String?
    /// The PEM private key of ``clientCertificatePath`` (CURLOPT_SSLKEY).
    package var clientKeyPath: String?
    /// A PEM file of CAs trusted for this request instead of the client's (CURLOPT_CAINFO).
    package var caBundlePath: String?

    package init(
        unixSocketPath: String? = nil,
        clientCertificatePath: String? = nil,
        clientKeyPath: String? = nil,
        caBundlePath: String? = nil
    ) {
        self.unixSocketPath = unixSocketPath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
        self.caBundlePath = caBundlePath
    }
}
