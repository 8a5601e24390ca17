/// Input checks every backend applies before writing, so bad input fails the same way everywhere and
/// changes nothing.
package enum StoreValidation {
    /// A name: non-empty, at most 200 characters, no surrounding whitespace or control characters.
    /// Names of pools, queues and deployments: 1-100 of `A-Z a-z 0-9 . _ -`, starting with a letter or
    /// digit, because they appear unescaped in API paths, log fields, metric labels and shell commands.
    package static func name(_ value: String, of kind: String) throws(StoreError) {
        let allowed = value.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
        let first = value.utf8.first
        guard allowed, value.utf8.count <= 100, let first, first != UInt8(ascii: "."), first != UInt8(ascii: "_"), first != UInt8(ascii: "-") else {
            let shown = value.unicodeScalars.contains { $0.properties.generalCategory == .control } ? value.debugDescription : "'\(value)'"
            throw StoreError(
                .invalidInput,
                "invalid \(kind) name \(shown): use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        }
    }

    /// A concurrency limit: nil (unlimited) or ≥ 0.
    package static func limit(_ value: Int?, of place: String) throws(StoreError) {
        if let value, value < 0 {
            throw StoreError(.invalidInput, "\(place): concurrency limit must be 0 or more, got \(value)")
        }
    }

    /// The largest queue priority accepted; far beyond any real pool, and it keeps renumbering simple.
    package static let maxPriority = 1_000_000

    /// A queue priority: 1 (the highest) to ``maxPriority``.
    package static func priority(_ value: Int, of place: String) throws(StoreError) {
        if value < 1 || value > maxPriority {
            throw StoreError(.invalidInput, "\(place): priority must be between 1 and \(maxPriority), got \(value)")
        }
    }

    /// Parses JSON text that must be an object and returns its canonical serialisation.
    package static func jsonObject(_ text: String, of place: String) throws(StoreError) -> String {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw StoreError(.invalidInput, "\(place): invalid JSON at \(error.description)")
        }
        guard case .object = value else { throw StoreError(.invalidInput, "\(place): must be a JSON object") }
        return value.serialized()
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }
}
