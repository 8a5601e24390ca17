/// What the gateway knows of a work-pool type without building its provider: the API and CLI check pool
/// types and templates with it, the pacer takes its default rate from it, and the composition root picks
/// the transport it needs. Each provider folder declares one; the registry lists them.
package struct ProviderType: Sendable {
    /// The HTTP a provider's API speaks.
    package enum Transport: Sendable, Equatable {
        /// HTTP/1.1 or HTTP/2, whichever the server offers (REST APIs).
        case http
        /// HTTP/2 with trailers, prior knowledge on loopback (gRPC).
        case http2
    }

    package var kind: ProviderKind
    /// One line for `--help` and `pushgate emulate`.
    package var summary: String
    /// The credentials-file section a pool's profile names (`aws`, `gcp`, `azure`, `modal`); empty for a
    /// type that needs no credentials (`process`).
    package var credentialsProfileKind: String
    /// Whether a pool of this type needs a credentials profile.
    package var usesCredentials: Bool { !credentialsProfileKind.isEmpty }
    /// `job_configuration` keys the provider builds its requests from; `pushgate validate --type` requires
    /// them, since a template without them cannot produce a submission.
    package var requiredConfigurationKeys: [String]
    /// The default submission rate per account and region: the provider's published quota.
    package var pacing: PacingRate
    package var transport: Transport

    package init(
        kind: ProviderKind,
        summary: String,
        credentialsProfileKind: String,
        requiredConfigurationKeys: [String],
        pacing: PacingRate,
        transport: Transport = .http
    ) {
        self.kind = kind
        self.summary = summary
        self.credentialsProfileKind = credentialsProfileKind
        self.requiredConfigurationKeys = requiredConfigurationKeys
        self.pacing = pacing
        self.transport = transport
    }
}
