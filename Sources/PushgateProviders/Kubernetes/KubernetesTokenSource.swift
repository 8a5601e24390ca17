import Foundation
import PushgateCore
import Synchronization

/// The bearer token of a kubeconfig user or a service account (docs/provider-apis.md §10.1). A `tokenFile`
/// is read again whenever its modification time or size changes, so the kubelet's rotation of a projected
/// token (about hourly) reaches the next call without a restart; a static token never changes.
package struct KubernetesTokenSource: BearerTokenProvider {
    package enum Origin: Sendable, Equatable {
        case fixed(SecretValue)
        case file(String)
    }

    package let origin: Origin
    private let cache = FileTokenCache()

    package init(_ origin: Origin) { self.origin = origin }

    /// The token, valid for a minute as far as callers know: it is looked at again on every call anyway.
    package func token() async throws -> BearerToken {
        switch origin {
        case .fixed(let token):
            return BearerToken(token: token.value, expiresAt: Date().addingTimeInterval(60))
        case .file(let path):
            return BearerToken(token: try cache.read(path), expiresAt: Date().addingTimeInterval(60))
        }
    }
}

/// The last token read from a file and the stamp (modification time, size) it was read at.
final class FileTokenCache: Sendable {
    private struct Entry {
        var stamp: [String]
        var token: String
    }
    private let entry = Mutex<Entry?>(nil)

    func read(_ path: String) throws -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw CredentialsError(.notConfigured, "token file \(path) cannot be read")
        }
        let stamp = ["\(attributes[.modificationDate] ?? "")", "\(attributes[.size] ?? "")"]
        if let cached = entry.withLock({ $0 }), cached.stamp == stamp { return cached.token }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CredentialsError(.notConfigured, "token file \(path) cannot be read")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CredentialsError(.notConfigured, "token file \(path) is empty") }
        entry.withLock { $0 = Entry(stamp: stamp, token: token) }
        return token
    }
}
