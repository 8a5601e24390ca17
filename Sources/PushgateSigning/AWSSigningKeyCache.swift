import CCrypto
import Synchronization

/// Derived SigV4 signing keys (docs/provider-apis.md §2.8 step 5), so signing pays the four-HMAC derivation once
/// per secret, day, region and service instead of on every request, as the AWS SDKs do. An entry is found
/// only when all four inputs are equal, so a new UTC day, a rotated secret or another region derives anew;
/// the cache only memoises a pure function, so signatures never depend on what it holds.
package final class AWSSigningKeyCache: Sendable, CustomStringConvertible, CustomReflectable {
    /// Used by signers that are not given their own cache: providers build a signer per request.
    package static let shared = AWSSigningKeyCache(capacity: 16)

    private struct Entry {
        var secret: String
        var dateStamp: String
        var region: String
        var service: String
        var key: HMACSHA256Key
    }

    private struct State {
        var entries: [Entry] = []
        /// The slot replaced next once the cache is full (oldest insertion first).
        var nextVictim = 0
        var derivations = 0
    }

    /// Most keys kept; a process signs for a handful of (credentials, region, service) at a time.
    package let capacity: Int
    private let state = Mutex(State())

    package init(capacity: Int = 16) {
        precondition(capacity > 0, "AWSSigningKeyCache needs room for one key")
        self.capacity = capacity
    }

    /// The signing key for `dateStamp` (`YYYYMMDD`), derived on first use.
    package func key(secret: String, dateStamp: String, region: String, service: String) -> HMACSHA256Key {
        let cached = state.withLock { state -> HMACSHA256Key? in
            for entry in state.entries
            where entry.dateStamp == dateStamp && entry.region == region && entry.service == service
                && entry.secret == secret
            {
                return entry.key
            }
            return nil
        }
        if let cached { return cached }
        let key = AWSSigningKeyCache.derive(secret: secret, dateStamp: dateStamp, region: region, service: service)
        state.withLock { state in
            let entry = Entry(secret: secret, dateStamp: dateStamp, region: region, service: service, key: key)
            state.derivations += 1
            if state.entries.count < capacity {
                state.entries.append(entry)
            } else {
                state.entries[state.nextVictim] = entry
                state.nextVictim = (state.nextVictim + 1) % capacity
            }
        }
        return key
    }

    /// How many keys were derived (cache misses) since creation; for tests.
    package var derivationCount: Int { state.withLock { $0.derivations } }

    /// How many keys are held now.
    package var count: Int { state.withLock { $0.entries.count } }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"), kept as a
    /// precomputed HMAC key.
    static func derive(secret: String, dateStamp: String, region: String, service: String) -> HMACSHA256Key {
        var seed = Array("AWS4".utf8)
        seed.append(contentsOf: secret.utf8)
        var material = HMACSHA256Key(seed).authenticationCode(dateStamp)
        for step in [region, service, "aws4_request"] { material = HMACSHA256Key(material).authenticationCode(step) }
        let key = HMACSHA256Key(material)
        seed.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        material.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        return key
    }

    /// Never shows secrets or keys, only how full the cache is.
    package var description: String { "AWSSigningKeyCache(\(count) of \(capacity) keys)" }
    package var customMirror: Mirror { Mirror(self, children: ["capacity": capacity], displayStyle: .class) }
}
