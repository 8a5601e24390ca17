/// Splits a command string the way Python's `shlex.split` does in POSIX mode, as Prefect's workers do
/// for `command` and `args` (docs/prefect-semantics.md §2.4, §3.4): whitespace separates words, single
/// quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash outside quotes escapes
/// the next character.
package enum CommandWords {
    /// The words of `text`, or nil when a quote is left open or the text ends in a lone backslash.
    package static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
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
                if !closed { return nil }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { return nil }
                        if escaped != "\"" && escaped != "\\" && escaped != "$" && escaped != "`" { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
                if !closed { return nil }
            case "\\":
                guard let escaped = iterator.next() else { return nil }
                inWord = true
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
