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

    /// Integers up to 18 digits are read without a String; longer ones, and the Int64 edges, by the
    /// general path; beyond Int64 they become doubles, as before.
    @Test(arguments: [
        ("0", JSONValue.int(0)), ("-7", .int(-7)), ("999999999999999999", .int(999_999_999_999_999_999)),
        ("-999999999999999999", .int(-999_999_999_999_999_999)), ("9223372036854775807", .int(.max)),
        ("-9223372036854775808", .int(.min)), ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("12.50", .double(12.5)), ("-1E2", .double(-100)),
    ])
    func parsesNumbersOnBothPaths(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
        #expect(try JSONValue.parse("[\(text)]") == .array([expected]))
    }

    /// Objects are built once at their final size from the members of every nesting level; a later
    /// duplicate key wins, as Python's `json` does.
    @Test func objectsNestAndTheLastDuplicateKeyWins() throws {
        let value = try JSONValue.parse(#"{"a": {"x": 1, "y": {"z": [{"k": 1, "k": 2}]}, "x": 3}, "b": 1, "a2": {}, "b": 2}"#)
        #expect(value == ["a": ["x": 3, "y": ["z": [["k": 2]]]], "a2": [:], "b": 2])
        #expect(try JSONValue.parse(Data(#"{"k": "v"}"#.utf8)) == ["k": "v"])
    }

    /// ASCII strings skip UTF-8 validation; anything else is still validated.
    @Test func invalidUTF8IsRefusedAndValidUTF8Kept() throws {
        #expect(try JSONValue.parse(Data([0x22, 0x41, 0xC3, 0xA9, 0x22])) == .string("Aé"))
        #expect { try JSONValue.parse(Data([0x22, 0x41, 0xC3, 0x22])) } throws: { ($0 as? JSONParseError)?.code == .invalidUTF8 }
        #expect { try JSONValue.parse(Data([0x22, 0xFF, 0x22])) } throws: { ($0 as? JSONParseError)?.code == .invalidUTF8 }
    }

    /// The member reader yields an object's members in order, duplicates included, and says whether the
    /// whole input was one object with plain keys.
    @Test func objectMembersAreReadInOrder() {
        func read(_ text: String, limits: JSONParserLimits = .default) -> (members: [String], succeeded: Bool) {
            var text = text
            return text.withUTF8 { bytes in
                var reader = JSONParser.ObjectMembers(bytes, limits: limits)
                var members: [String] = []
                while let (key, value) = reader.next() { members.append(String(decoding: key, as: UTF8.self) + "=" + value.serialized()) }
                return (members, reader.succeeded)
            }
        }
        #expect(read(#" {"a": 1, "b": {"c": [true]}, "a": "x"} "#) == (["a=1", #"b={"c":[true]}"#, #"a="x""#], true))
        #expect(read("{}") == ([], true))
        #expect(read("\u{FEFF}{\"a\": null}") == (["a=null"], true))
        for bad in ["[]", "null", "", #"{"a": 1,}"#, #"{"a": 1} 2"#, #"{"\u0061": 1}"#, #"{"é": 1}"#, #"{"a" 1}"#, #"{"a": }"#, #"{"a": 1"#] {
            #expect(read(bad).succeeded == false, "\(bad)")
        }
        #expect(read(#"{"a": [[1]]}"#, limits: JSONParserLimits(maxDepth: 2, maxBytes: 100)).succeeded == false)
        #expect(read(#"{"a": [1]}"#, limits: JSONParserLimits(maxDepth: 2, maxBytes: 100)).succeeded == true)
        #expect(read(#"{"a": 1}"#, limits: JSONParserLimits(maxDepth: 64, maxBytes: 4)).succeeded == false)
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

    /// Python's `str()` of values, as docs/prefect-semantics.md §1.4 lists them.
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
