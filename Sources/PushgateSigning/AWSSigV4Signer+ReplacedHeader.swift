extension AWSSigV4Signer {
    /// The caller's headers the signer replaces or checks for (docs/provider-apis.md §2.8), matched lower-cased as
    /// botocore does.
    enum ReplacedHeader {
        case host, authorization, date, securityToken

        private static let all: [(header: ReplacedHeader, name: StaticString)] = [
            (.host, "host"), (.authorization, "authorization"), (.date, "x-amz-date"),
            (.securityToken, "x-amz-security-token"),
        ]

        /// One pass over an ASCII name's bytes; a non-ASCII name is lower-cased as a String, since
        /// Unicode lower-casing can turn it into one of these (the Kelvin sign becomes `k`).
        init?(_ name: String) {
            let match: ReplacedHeader?? = ByteWriter.withUTF8(name) { bytes in
                var high: UInt8 = 0
                for byte in bytes { high |= byte }
                guard high < 0x80 else { return nil }
                for (header, text) in ReplacedHeader.all where text.utf8CodeUnitCount == bytes.count {
                    let expected = text.utf8Start
                    for index in 0..<bytes.count {
                        let byte = bytes[index]
                        if (byte &- 0x41 < 26 ? byte | 0x20 : byte) != expected[index] { return .some(nil) }
                    }
                    return header
                }
                return .some(nil)
            }
            if let match {
                guard let match else { return nil }
                self = match
                return
            }
            let lowered = name.lowercased()
            guard let found = ReplacedHeader.all.first(where: { lowered == $0.name.description }) else { return nil }
            self = found.header
        }
    }
}
