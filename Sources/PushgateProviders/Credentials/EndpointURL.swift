import Foundation

/// Checks an endpoint override: `https://` always, plain `http://` only for loopback hosts
/// (127.0.0.0/8, ::1, localhost) so secrets and signed requests never cross a network in clear
/// (docs/design.md "Providers"). Metadata endpoints may also name the cloud's link-local metadata address,
/// which is plain HTTP by nature.
package enum EndpointURL {
    /// The link-local metadata/credentials hosts that are plain HTTP everywhere
    /// (docs/provider-apis.md §2.9, §3.7, §4.5).
    package static let metadataHosts: Set<String> = [
        "169.254.169.254", "169.254.170.2", "169.254.170.23", "fd00:ec2::254", "fd00:ec2::23",
        "metadata.google.internal",
    ]

    /// Validates `value` and returns it without a trailing `/`.
    /// - Parameters:
    ///   - place: `FILE:LINE` (or another description of where the value came from).
    ///   - allowMetadataHosts: true for IMDS / metadata-server keys.
    package static func validate(
        _ value: String,
        key: String,
        place: String,
        allowMetadataHosts: Bool = false
    ) throws
        -> String
    {
        let trimmed = value.hasSuffix("/") ? String(value.dropLast()) : value
        guard let schemeEnd = trimmed.range(of: "://") else {
            throw CredentialsError(.invalidValue, "\(place): \(key): not a URL (expected https://host[:port][/path])")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let host = hostName(trimmed[schemeEnd.upperBound...])
        guard !host.isEmpty else { throw CredentialsError(.invalidValue, "\(place): \(key): URL has no host") }
        switch scheme {
        case "https":
            return trimmed
        case "http" where isLoopback(host) || (allowMetadataHosts && metadataHosts.contains(host)):
            return trimmed
        case "http":
            throw CredentialsError(
                .invalidValue,
                "\(place): \(key): plain http:// is only accepted for loopback hosts (127.0.0.0/8, ::1, localhost); "
                    + "use https:// for \(host)"
            )
        default:
            throw CredentialsError(.invalidValue, "\(place): \(key): unsupported scheme \"\(scheme)\" (use https://)")
        }
    }

    /// The lower-cased host of `authorityAndPath` (`host[:port][/…]`), without brackets, userinfo or port.
    package static func hostName(_ authorityAndPath: Substring) -> String {
        var authority = authorityAndPath.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return authority[authority.index(after: authority.startIndex)..<close].lowercased()
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        return authority.lowercased()
    }

    package static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}
