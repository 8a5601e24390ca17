/// Splits a command line the way Python's `shlex.split` (POSIX mode) does, because Prefect's workers
/// shlex-split a string `command` before handing it to the provider (docs/prefect-semantics.md §3.4).
package enum ShellWords {
    /// Why a command line could not be split.
    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    /// The words of `line`: whitespace separates words; single quotes keep everything literally; inside
    /// double quotes a backslash escapes only `"` and `\`; outside quotes a backslash escapes any character.
    package static func split(_ line: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(line).makeIterator()
        while let character = iterator.next() {
            switch character {
            case _ where character.isASCII && character.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                if !closed { throw Failure(message: "no closing quotation in command: \(line)") }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if escaped != "\"" && escaped != "\\" { current.append("\\") }
                        current.append(escaped)
                        continue
                    }
                    current.append(next)
                }
                if !closed { throw Failure(message: "no closing quotation in command: \(line)") }
            case "\\":
                inWord = true
                guard let escaped = iterator.next() else {
                    throw Failure(message: "no escaped character after a trailing backslash in command: \(line)")
                }
                current.append(escaped)
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
