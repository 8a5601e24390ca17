import Foundation
import PushgateCore
import Synchronization

/// The bearer token of a kubeconfig user or a service account (docs/provider-apis.md §10.1). A `tokenFile`
/// is read again whenever its modification time or size changes, so the kubelet's rotation of a projected
/// token (about hourly) reaches the next call without a restart, and again after a 401 whatever its stamp
/// says (a rewrite inside the file system's timestamp granularity). An `exec` plugin's token is kept until
/// ``execRefreshMargin`` before its `expirationTimestamp`, one run at a time, and the plugin is run again
/// after a 401. A static token never changes.
package struct KubernetesTokenSource: BearerTokenProvider {
    package enum Origin: Sendable, Equatable {
        case fixed(SecretValue)
        case file(String)
        case exec(KubernetesExecPlugin)
    }

    /// Seconds before expiry an exec token is no longer sent: a call must not reach the server with a token
    /// that expires on the way.
    package static let execRefreshMargin: TimeInterval = 10

    package let origin: Origin
    private let cache = FileTokenCache()
    private let exec: ExpiringValue<BearerToken>?

    /// - Parameter clock: judges an exec token's expiry.
    package init(_ origin: Origin, clock: any WallClock = SystemClock()) {
        self.origin = origin
        if case .exec(let plugin) = origin {
            exec = ExpiringValue(clock: clock, refreshMargin: Self.execRefreshMargin) {
                let token = try await plugin.run()
                return (token, token.expiresAt)
            }
        } else {
            exec = nil
        }
    }

    /// How often the exec plugin ran (for tests).
    package var execRuns: Int {
        get async { await exec?.fetchCount ?? 0 }
    }

    package func invalidate() async {
        cache.clear()
        await exec?.invalidate()
    }

    /// Forgets the file's or the plugin's token only while it is the refused one, so the concurrent calls a
    /// revoked token fails re-read the file or re-run the plugin once between them, not once each.
    package func invalidate(refused authorization: String) async {
        cache.clear { "Bearer \($0)" == authorization }
        await exec?.invalidate { $0.authorizationHeader == authorization }
    }

    /// The token, valid for a minute as far as callers know: it is looked at again on every call anyway.
    package func token() async throws -> BearerToken {
        switch origin {
        case .fixed(let token):
            return BearerToken(token: token.value, expiresAt: Date().addingTimeInterval(60))
        case .file(let path):
            return BearerToken(token: try cache.read(path), expiresAt: Date().addingTimeInterval(60))
        case .exec(let plugin):
            guard let exec else { throw CredentialsError(.notConfigured, "exec plugin \(plugin.command): no token cache") }
            return try await exec.get()
        }
    }
}

/// The last token read from a file and the stamp it was read at: `stat`'s device, inode, size and
/// nanosecond modification time (the kubelet swaps a projected token in by renaming a symlinked folder, which
/// changes the inode; an editor's rewrite changes the time).
final class FileTokenCache: Sendable {
    private struct Entry {
        var stamp: [Int]
        var token: String
    }
    private let entry = Mutex<Entry?>(nil)

    /// Forgets the token (all of them, or only one `stale` says failed).
    func clear(where stale: (String) -> Bool = { _ in true }) {
        entry.withLock { entry in
            if let token = entry?.token, stale(token) { entry = nil }
        }
    }

    func read(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CredentialsError(.notConfigured, "token file \(path) cannot be read") }
        let stamp = [Int(info.st_dev), Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
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
