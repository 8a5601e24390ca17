import Foundation
import PushgateSigning

extension CredentialsFile {
    /// One `[kind name]` section with its `key = value` entries and their line numbers.
    package struct Section: Sendable {
        package var kind: String
        package var name: String
        package var line: Int
        package var entries: [String: (value: String, line: Int)] = [:]
    }

    /// Splits the text into sections. Comments are whole lines starting with `#` or `;` (values are
    /// never cut at `#`: secrets may contain it).
    static func sections(_ text: String, path: String) throws -> [Section] {
        var sections: [Section] = []
        var names: Set<String> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let place = "\(path):\(lineNumber)"
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw CredentialsError(.invalidFile, "\(place): section header without ]") }
                let words = line.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true)
                guard words.count == 2 else {
                    throw CredentialsError(.invalidFile, "\(place): section header must be [KIND NAME], e.g. [aws prod]")
                }
                let kind = words[0].lowercased()
                let name = String(words[1])
                guard names.insert("\(kind) \(name)").inserted else {
                    throw CredentialsError(.invalidFile, "\(place): duplicate section [\(kind) \(name)]")
                }
                sections.append(Section(kind: kind, name: name, line: lineNumber))
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw CredentialsError(.invalidFile, "\(place): expected KEY = VALUE or [KIND NAME]")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !sections.isEmpty else {
                throw CredentialsError(.invalidFile, "\(place): \(key): key outside any [KIND NAME] section")
            }
            guard !key.isEmpty else { throw CredentialsError(.invalidFile, "\(place): empty key") }
            guard sections[sections.count - 1].entries[key] == nil else {
                throw CredentialsError(.invalidFile, "\(place): \(key): duplicate key in this section")
            }
            guard !value.isEmpty else { throw CredentialsError(.invalidValue, "\(place): \(key): empty value") }
            sections[sections.count - 1].entries[key] = (value, lineNumber)
        }
        return sections
    }

    /// Reads typed values out of a section and rejects keys it does not know.
    package struct Reader {
        package let section: Section
        package let path: String
        private var used: Set<String> = []

        init(section: Section, path: String) {
            self.section = section
            self.path = path
        }

        package var place: String { "\(path):\(section.line)" }
        package func place(_ key: String) -> String { "\(path):\(section.entries[key]?.line ?? section.line)" }

        package mutating func string(_ key: String) -> String? {
            used.insert(key)
            return section.entries[key]?.value
        }

        package mutating func required(_ key: String, because reason: String) throws -> String {
            guard let value = string(key) else {
                throw CredentialsError(
                    .invalidValue,
                    "\(place): [\(section.kind) \(section.name)]: \(key) is required \(reason)"
                )
            }
            return value
        }

        package mutating func endpoint(_ key: String, metadata: Bool = false) throws -> String? {
            guard let value = string(key) else { return nil }
            return try EndpointURL.validate(value, key: key, place: place(key), allowMetadataHosts: metadata)
        }

        package mutating func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let text = string(key) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw CredentialsError(
                    .invalidValue,
                    "\(place(key)): \(key): expected an integer in \(range.lowerBound)...\(range.upperBound)"
                )
            }
            return value
        }

        /// Fails on any key no reader call asked for (typos must not pass silently).
        func finish() throws {
            let unknown = section.entries.keys.filter { !used.contains($0) }.sorted { lhs, rhs in
                section.entries[lhs]!.line < section.entries[rhs]!.line
            }
            if let key = unknown.first {
                throw CredentialsError(
                    .invalidValue,
                    "\(place(key)): \(key): unknown key for [\(section.kind) \(section.name)]"
                )
            }
        }
    }
}
