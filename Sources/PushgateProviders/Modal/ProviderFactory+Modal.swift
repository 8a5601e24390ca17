import Foundation
import PushgateCore

extension ProviderFactory {
    /// Modal (experimental) from a `[modal NAME]` profile: its token id/secret and its `server_url`
    /// override (docs/provider-apis.md §5.1, §5.2). `http` must speak HTTP/2 with trailers: pass
    /// `CurlHTTP2Client` (PushgateHTTP), which also uses h2c prior knowledge for a loopback `http://`
    /// server; a plain HTTP/1.1 client gets no gRPC answer. Nothing is sent while building.
    package static func modal(credentials: CredentialsFile, profile name: String, http: any HTTPClient, clock: any WallClock)
        throws -> ModalProvider
    {
        ModalProvider(profile: try credentials.modalProfile(name), http: http, clock: clock)
    }
}
