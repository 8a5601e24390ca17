import Foundation
import PushgateCore
import Testing

@Suite struct JSONValueTests {
    @Test func keepsIntegersFloatsBooleansAndNullApart() throws {
        let value = try JSONValue.parse(#"{"i": 1, "f": 1.0, "e": 1e3, "b": true, "n": null, "neg": -0}"#)
        #expect(value["i"] == .int(1))
        #expect(value["f"] == .double(1.0))
        #expect(value["e"] == .double(1000))
        #expect(value["b"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["neg"] == .int(0))
    }

    @Test func serialisesDeterministicallyWithSortedKeys() throws {
        let a = try JSONValue.parse(#"{"b": [1, 2.5, "x"], "a": {"d": null, "c": false}}"#)
        let b = try JSONValue.parse(#"{"a": {"c": false, "d": null}, "b": [1, 2.5, "x"]}"#)
        #expect(a.serialized() == #"{"a":{"c":false,"d":null},"b":[1,2.5,"x"]}"#)
        #expect(a.serialized() == b.serialized())
        #expect(JSONValue.double(1e20).serialized() == "1e+20")
        #expect(JSONValue.double(512).serialized() == "512.0")
    }

    @Test func roundTripsEscapesAndUnicode() throws {
        let text = #"{"s":"quote \" slash \\ nl \n tab \t ctl \u0001 é 😀 \ud83d\ude00"}"#
        let value = try JSONValue.parse(text)
        #expect(value["s"] == .string("quote \" slash \\ nl \n tab \t ctl \u{01} é 😀 😀"))
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test(arguments: [
        ("{\n  \"a\": [1,\n  }", 3, 3),
        ("[1, 2", 1, 6),
        ("{\"a\" 1}", 1, 6),
        ("[01]", 1, 2),
        ("{\"a\": tru}", 1, 7),
        ("\"unterminated", 1, 1),
        ("[1] x", 1, 5),
    ])
    func malformedInputReportsLineAndColumn(text: String, line: Int, column: Int) {
        #expect {
            _ = try JSONValue.parse(text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.line == line && error.column == column && error.code == .syntax
        }
    }

    @Test func refusesNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSONValue.parse(ok)) != nil)
    }

    @Test func refusesInputOverTheSizeLimit() {
        let limits = JSONParserLimits(maxDepth: 64, maxBytes: 10)
        #expect { try JSONValue.parse("[1,2,3,4,5,6]", limits: limits) } throws: { ($0 as? JSONParseError)?.code == .tooLarge }
    }

    /// Python's `str()` of values, as prefect-semantics.md §1.4 lists them.
    @Test(arguments: [
        (JSONValue.bool(true), "True"),
        (.bool(false), "False"),
        (.null, "None"),
        (.object(["k": "v"]), "{'k': 'v'}"),
        (.array([1, "a"]), "[1, 'a']"),
        (.double(1.0), "1.0"),
        (.double(1e20), "1e+20"),
        (.double(512), "512.0"),
        (.int(512), "512"),
        (.object(["c": "it's"]), "{'c': \"it's\"}"),
        (.string("plain"), "plain"),
        (.array([.null, .bool(true), .double(0.1)]), "[None, True, 0.1]"),
    ])
    func pythonText(value: JSONValue, expected: String) {
        #expect(value.pythonText == expected)
    }
}
