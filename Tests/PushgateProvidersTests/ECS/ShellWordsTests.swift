import Foundation
import PushgateProviders
import PushgateTestSupport
import Testing

/// ShellWords against Python's own `shlex.split` as the oracle (Prefect splits commands with it).
@Suite("ShellWords matches shlex.split")
struct ShellWordsTests {
    static let lines = [
        "python -m flows.etl", "  spaced   out  ", #"echo "a b" 'c d' e\ f"#, #"say "it's \"quoted\"" and\\back"#,
        #"x="a"'b'c"#, "tab\tseparated\nlines", #"dollar "\$HOME" "\q""#, "", "'' \"\"",
    ]

    @Test("the same words as shlex.split")
    func oracle() throws {
        let input = try JSONSerialization.data(withJSONObject: Self.lines)
        let output = try PythonScript.run(
            "import json, shlex, sys; print(json.dumps([shlex.split(l) for l in json.load(sys.stdin)]))",
            standardInput: input
        )
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String]])
        for (line, words) in zip(Self.lines, expected) {
            #expect(try ShellWords.split(line) == words, "\(line)")
        }
    }

    @Test("open quotes and a trailing backslash are errors")
    func errors() {
        for line in ["echo 'open", #"echo "open"#, #"trailing\"#] {
            #expect(throws: ShellWords.Failure.self) { try ShellWords.split(line) }
        }
    }
}
