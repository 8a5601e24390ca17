import Foundation

/// Locates files under `Tests/Fixtures` from the test's own source path, so fixtures are read from the
/// repository and never fetched.
package enum Fixtures {
    package static func url(_ relativePath: String, file: StaticString = #filePath) -> URL {
        var dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("Tests/Fixtures")
            if FileManager.default.fileExists(atPath: candidate.path) {
                return candidate.appendingPathComponent(relativePath)
            }
            dir.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "Tests/Fixtures/\(relativePath)")
    }

    package static func data(_ relativePath: String, file: StaticString = #filePath) throws -> Data {
        try Data(contentsOf: url(relativePath, file: file))
    }

    package static func string(_ relativePath: String, file: StaticString = #filePath) throws -> String {
        String(decoding: try data(relativePath, file: file), as: UTF8.self)
    }

    /// The repository root (the folder holding Package.swift).
    package static func repositoryRoot(file: StaticString = #filePath) -> URL {
        url("", file: file).deletingLastPathComponent().deletingLastPathComponent()
    }
}
