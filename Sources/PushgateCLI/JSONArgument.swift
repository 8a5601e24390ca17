import Foundation
import PushgateCore

/// A JSON value given on the command line either inline or as `@FILE`, as `--vars`, `--run-vars` and
/// `--deployment-vars` accept it.
package enum JSONArgument {
    /// Why an argument could not be loaded: unreadable file (exit 2) or malformed JSON (exit 1).
    package enum Failure: Error {
        case io(String)
        case invalid(TemplateProblem)
    }

    /// Loads `spec` for option `option`; problems name the file (for `@FILE`) or the option.
    package static func load(_ spec: String, option: String) throws(Failure) -> (value: JSONValue, source: String) {
        let source: String
        let data: Data
        if spec.hasPrefix("@") {
            let path = String(spec.dropFirst())
            source = path
            data = try readFile(path, limit: BaseJobTemplate.maxBytes)
        } else {
            source = option
            data = Data(spec.utf8)
        }
        do {
            return (
                try JSONValue.parse(data, limits: JSONParserLimits(maxDepth: BaseJobTemplate.maxDepth, maxBytes: BaseJobTemplate.maxBytes)), source
            )
        } catch {
            let code: TemplateProblem.Code = error.code == .tooDeep ? .tooDeep : error.code == .tooLarge ? .tooLarge : .malformedJSON
            throw .invalid(TemplateProblem(code, file: source, line: error.line, column: error.column, error.message))
        }
    }

    /// Reads a file, refusing one larger than `limit` bytes without reading it whole.
    package static func readFile(_ path: String, limit: Int) throws(Failure) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw .io("\(path): cannot read: \(isDirectory.boolValue ? "is a directory" : "permission denied")")
            }
            throw .io("\(path): cannot read: no such file")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit {
                throw Failure.invalid(
                    TemplateProblem(
                        .tooLarge,
                        file: path,
                        line: 1,
                        column: 1,
                        "file is larger than the limit of \(limit) bytes"
                    )
                )
            }
            return data
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .io("\(path): cannot read: \(error.localizedDescription)")
        }
    }
}
