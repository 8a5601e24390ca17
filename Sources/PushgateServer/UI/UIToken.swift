/// Random tokens for session ids and CSRF tokens, and their constant-time comparison.
package enum UIToken {
    /// 32 random bytes as hex, from the system's CSPRNG (getrandom(2) on Linux).
    package static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var out = ""
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            out += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return out
    }

    /// Equal texts, compared without an early exit so timing does not reveal a matching prefix.
    package static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<x.count { difference |= x[i] ^ (i < y.count ? y[i] : 0) }
        return difference == 0 && !x.isEmpty
    }
}
