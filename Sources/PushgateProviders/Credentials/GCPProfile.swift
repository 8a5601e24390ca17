/// A `[gcp NAME]` profile (docs/provider-apis.md §3.7).
package struct GCPProfile: Sendable, Equatable {
    package enum Source: Sendable, Equatable {
        /// `key_file`: a service-account JSON key.
        case keyFile(String)
        /// `source = metadata`: the GCE/Cloud Run metadata server.
        case metadata
    }
    package var name: String
    package var source: Source
    package var project: String?
    /// Overrides the key file's `token_uri`.
    package var tokenURI: String?
    /// Overrides `https://run.googleapis.com`.
    package var runEndpoint: String?
    /// Overrides `https://{region}-aiplatform.googleapis.com` (Vertex AI).
    package var aiplatformEndpoint: String? = nil
    /// Overrides `http://metadata.google.internal`.
    package var metadataEndpoint: String?
    package var scopes: [String]
    package var place: String
}
