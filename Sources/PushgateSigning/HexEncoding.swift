/// Lower-case hex, the form SigV4 uses for payload hashes and signatures (docs/provider-apis.md §2.8).
package enum HexEncoding {
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let array = Array(bytes)
        return String(unsafeUninitializedCapacity: array.count * 2) { out in
            array.withUnsafeBytes { encode($0, into: out.baseAddress!) }
            return array.count * 2
        }
    }

    /// Writes the hex of `bytes` to `out`, which must have room for `2 * bytes.count` bytes; used to put
    /// digests straight into the canonical request and string to sign without an intermediate String.
    package static func encode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        // Two digits per byte from a table, stored as one 16-bit word: a signature writes three digests.
        pairs.withUnsafeBufferPointer { pairs in
            let words = UnsafeMutableRawPointer(out)
            for index in 0..<bytes.count {
                words.storeBytes(of: pairs[Int(bytes[index])], toByteOffset: 2 * index, as: UInt16.self)
            }
        }
    }

    /// The two ASCII digits of each byte value, first digit in the low byte (stored little-endian, it
    /// comes first in memory).
    private static let pairs: [UInt16] = (0..<256).map { value in
        func digit(_ nibble: Int) -> UInt16 { UInt16(nibble < 10 ? 0x30 + nibble : 0x57 + nibble) }
        let first = digit(value >> 4)
        let second = digit(value & 0x0f)
        return UInt16(littleEndian: first | second << 8)
    }

    /// Decodes hex (either case); nil when the text is not an even run of hex digits.
    package static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = value(chars[index]), let low = value(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
