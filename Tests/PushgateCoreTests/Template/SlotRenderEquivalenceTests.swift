import Foundation
import PushgateTestSupport
import Testing

@testable import PushgateCore

/// The slot path (merge by number, conformance predicate, render by number) that every submission takes
/// must give exactly what the dictionary path gives: the same rendered configuration, or the same problems,
/// on every shipped and reference template, with valid, invalid, dotted, undeclared and placeholder values.
@Suite struct SlotRenderEquivalenceTests {
    static let templateFiles: [String] = {
        let root = Fixtures.repositoryRoot()
        let shipped = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("templates").path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { "templates/" + $0 }
        let dir = Fixtures.url("reference-templates")
        let top = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }
        let workers = ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("current-workers").path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { "current-workers/" + $0 }
        return (shipped + (top + workers).map { "Tests/Fixtures/reference-templates/" + $0 }).sorted()
    }()

    static func template(_ file: String) throws -> BaseJobTemplate {
        try BaseJobTemplate(data: try Data(contentsOf: Fixtures.repositoryRoot().appendingPathComponent(file)), file: file)
    }

    /// Values of every JSON kind, including ones no schema admits and ones with placeholders.
    static let pool: [JSONValue] = [
        .null, true, false, 0, 1024, -3, 2.5, 1.0, "", "FARGATE", "x{{ image }}", "{{ prefect.variables.v }}", "é{{ $HOME }}",
        ["a", "b"], [1, 2], [], ["capacityProvider": "FARGATE", "weight": 1, "base": 0],
        [["capacityProvider": "FARGATE", "weight": 1, "base": 0]], [["capacityProvider": 1]],
        ["A": "1", "B": .null], ["A": 5], [:], ["subnets": ["s-1"], "assignPublicIp": "DISABLED"],
        ["$ref": ["block_document_id": "123"]],
    ]

    /// Random job variables: mostly declared names, sometimes a dotted `env.` key or an undeclared name.
    static func randomVariables(_ template: BaseJobTemplate, _ rng: inout SplitMix64) -> JSONValue? {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return nil
        case 1: return pool.randomElement(using: &rng)!  // often not an object
        default: break
        }
        let names = template.variables.properties.keys.sorted() + ["env", "env.EXTRA", "undeclared", "a.b"]
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            let name = names.randomElement(using: &rng)!
            // Half the time a value the schema likely admits: its default, or a string.
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: members[name] = template.variables.properties[name]?["default"] ?? "v"
            case 1: members[name] = .string("value-\(Int.random(in: 0..<100, using: &rng))")
            default: members[name] = pool.randomElement(using: &rng)!
            }
        }
        return .object(members)
    }

    @Test func theBenchmarkInputsRenderTheSameBothWays() throws {
        let template = try Self.template("templates/ecs-push.json")
        let deployment = try JSONValue.parse(
            #"{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/flows:2026.11", "cpu": 1024, "memory": 2048, "cluster": "prod", "env": {"STAGE": "prod", "TEAM": "data"}, "vpc_id": "vpc-0abc", "network_configuration": {"subnets": ["subnet-1", "subnet-2"], "assignPublicIp": "DISABLED"}}"#
        )
        let run = try JSONValue.parse(#"{"env": {"RUN_DATE": "2026-11-29", "TEAM": "platform"}, "memory": 4096}"#)
        let fast = try template.render(deployment: .init(deployment, name: "d"), run: .init(run, name: "r"))
        let reference = try template.renderByDictionaries(deployment: .init(deployment, name: "d"), run: .init(run, name: "r"))
        #expect(fast == reference)
        #expect(try template.renderWithoutValidation(deployment: .init(deployment, name: "d"), run: .init(run, name: "r")) == reference)
        #expect(fast["env"] == ["STAGE": "prod", "TEAM": "platform", "RUN_DATE": "2026-11-29"])
    }

    @Test(arguments: templateFiles)
    func slotPathEqualsDictionaryPath(file: String) throws {
        let template = try Self.template(file)
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: file.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        var rendered = 0
        var refused = 0
        for i in 0..<400 {
            let deployment = Self.randomVariables(template, &rng)
            let run = Self.randomVariables(template, &rng)
            let requireAll = i % 3 != 0
            let source = (deployment: BaseJobTemplate.VariableSource(deployment, name: "d"), run: BaseJobTemplate.VariableSource(run, name: "r"))
            let fast = Result { () throws(TemplateError) in
                try template.render(deployment: source.deployment, run: source.run, requireAll: requireAll)
            }
            let reference = Result { () throws(TemplateError) in
                try template.renderByDictionaries(deployment: source.deployment, run: source.run, requireAll: requireAll)
            }
            let problems = template.validateJobVariables(deployment: source.deployment, run: source.run, requireAll: requireAll)
            switch (fast, reference) {
            case (.success(let a), .success(let b)):
                rendered += 1
                #expect(a == b, "\(file): \(deployment?.serialized() ?? "nil") / \(run?.serialized() ?? "nil")")
                #expect(problems.isEmpty)
            case (.failure(let a), .failure(let b)):
                refused += 1
                #expect(a.problems == b.problems)
                #expect(problems == b.problems)
            default:
                Issue.record("\(file): one path refused, the other rendered: \(deployment?.serialized() ?? "nil") / \(run?.serialized() ?? "nil")")
            }
            // Without validation, the slot merge equals the dictionary merge for any layers.
            #expect(
                try template.renderWithoutValidation(deployment: source.deployment, run: source.run)
                    == template.render(merged: template.mergedVariables(deployment: deployment, run: run))
            )
            // From JSON text (what SubmissionPlan hands over), the same again.
            try Self.expectTextPathAgrees(template, deployment?.serialized(), run?.serialized(), requireAll: requireAll)
        }
        #expect(rendered > 0)
        #expect(refused > 0)
    }

    /// Objects are filled from skeletons built per set of present variables; an object with a deeper
    /// whole-value path (`{{ a.b }}`, missing even when `a` is set) is built key by key instead.
    @Test func skeletonsFollowWhichVariablesArePresent() throws {
        let template = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"o": {"x": "{{ a.b }}", "y": "{{ c }}", "l": 1}, "p": {"y": "{{ c }}", "t": "v={{ a }}", "n": {"m": "{{ a }}"}},
                  "arr": [{"k": "{{ c }}"}, "{{ c }}", "lit"], "top": "{{ c }}"},
                 "variables": {"properties": {"a": {}, "c": {"default": 7}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        let layers: [JSONValue?] = [nil, ["a": ["b": 1]], ["a": [:]], ["a": "s"], ["c": .null], ["a": ["b": 2], "c": "x"], ["undeclared": 1]]
        for _ in 0..<2 {  // the second pass hits the cached skeletons
            for deployment in layers {
                for run in layers {
                    let d = BaseJobTemplate.VariableSource(deployment, name: "d")
                    let r = BaseJobTemplate.VariableSource(run, name: "r")
                    #expect(try template.render(deployment: d, run: r) == (try template.renderByDictionaries(deployment: d, run: r)))
                }
            }
        }
        let none = try template.render(deployment: .init(["c": .null], name: "d"), run: .init(nil, name: "r"))
        #expect(none == ["o": ["y": .null, "l": 1], "p": ["y": .null, "t": "v=", "n": [:]], "arr": [["k": .null], .null, "lit"], "top": .null])
    }

    /// Without deeper paths the render runs as straight-line steps: arrays that lose items, embedded
    /// text, nested and literal-only objects, an object that renders empty.
    @Test func straightLineStepsMatchTheDictionaryPath() throws {
        let template = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"p": {"y": "{{ c }}", "t": "v={{ a }}/{{ c }}", "n": {"m": "{{ a }}"}, "lit": {"k": [1, 2]}},
                  "arr": [{"k": "{{ c }}"}, "{{ c }}", "{{ a }}", ["{{ a }}", "x{{ a }}"], "lit"], "top": "{{ c }}", "e": {"only": "{{ a }}"}},
                 "variables": {"properties": {"a": {}, "c": {"default": 7}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        let layers: [JSONValue?] = [nil, ["a": ["b": 1]], ["a": "s"], ["c": .null], ["a": 2.5, "c": "x"], ["c": [1, "two"]]]
        for deployment in layers {
            for run in layers {
                let d = BaseJobTemplate.VariableSource(deployment, name: "d")
                let r = BaseJobTemplate.VariableSource(run, name: "r")
                #expect(try template.render(deployment: d, run: r) == (try template.renderByDictionaries(deployment: d, run: r)))
                try Self.expectTextPathAgrees(template, deployment?.serialized(), run?.serialized(), requireAll: true)
            }
        }
        // A variable used only as an array item: its presence must pick other cached steps.
        let items = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"arr": ["{{ x }}", 1, ["{{ x }}"]], "o": {"k": "{{ y }}"}}, "variables": {"properties": {"x": {}, "y": {}}}}
                """#.utf8
            ),
            file: "items.json"
        )
        for x: JSONValue? in [nil, 5, nil, "s", nil] {
            let d = BaseJobTemplate.VariableSource(x.map { ["x": $0, "y": 1] } ?? ["y": 1], name: "d")
            let rendered = try items.render(deployment: d, run: .init(nil, name: "r"))
            #expect(rendered == (try items.renderByDictionaries(deployment: d, run: .init(nil, name: "r"))))
            #expect(rendered["arr"] == (x.map { [$0, 1, [$0]] } ?? [1, []]))
        }
        let defaults = try template.render(deployment: .init(nil, name: "d"), run: .init(nil, name: "r"))
        #expect(defaults == ["p": ["y": 7, "t": "v=/7", "n": [:], "lit": ["k": [1, 2]]], "arr": [["k": 7], 7, ["x"], "lit"], "top": 7, "e": [:]])
    }

    /// Renders from many tasks at once, with more sets of present variables than the cache keeps.
    @Test func concurrentRendersWithManyVariableSetsAgree() async throws {
        let template = try Self.template("templates/ecs-push.json")
        let names = template.variables.properties.keys.sorted()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { () throws -> Void in
                    for i in 0..<400 {
                        var members: [String: JSONValue] = [:]
                        // A null is valid for every optional variable and still counts as present.
                        for (bit, name) in names.enumerated() where (i &* 2_654_435_761 &+ task) >> (bit % 24) & 1 == 1 {
                            members[name] = .null
                        }
                        members["image"] = .string("img:\(i)")
                        let d = BaseJobTemplate.VariableSource(.object(members), name: "d")
                        let r = BaseJobTemplate.VariableSource(nil, name: "r")
                        #expect(try template.render(deployment: d, run: r) == (try template.renderByDictionaries(deployment: d, run: r)))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The entry points given JSON text give what parsing and then the dictionary path give: the same
    /// render, or the same problems (malformed JSON included).
    static func expectTextPathAgrees(_ template: BaseJobTemplate, _ deployment: String?, _ run: String?, requireAll: Bool) throws {
        let text = (
            deployment: BaseJobTemplate.VariableSource(json: deployment, name: "d"), run: BaseJobTemplate.VariableSource(json: run, name: "r")
        )
        func parsed(_ text: String?, _ name: String) throws(TemplateError) -> JSONValue? {
            guard let text, !text.isEmpty else { return nil }
            do {
                return try JSONValue.parse(text)
            } catch {
                throw TemplateError([TemplateProblem(.malformedJSON, file: name, line: error.line, column: error.column, error.message)])
            }
        }
        let fast = Result { () throws(TemplateError) in try template.render(deployment: text.deployment, run: text.run, requireAll: requireAll) }
        let reference = Result { () throws(TemplateError) in
            try template.renderByDictionaries(
                deployment: .init(try parsed(deployment, "d"), name: "d"),
                run: .init(try parsed(run, "r"), name: "r"),
                requireAll: requireAll
            )
        }
        let problems = template.validateJobVariables(deployment: text.deployment, run: text.run, requireAll: requireAll)
        switch (fast, reference) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(deployment ?? "nil") / \(run ?? "nil")")
            #expect(problems.isEmpty)
        case (.failure(let a), .failure(let b)):
            #expect(a.problems == b.problems, "\(deployment ?? "nil") / \(run ?? "nil")")
            #expect(problems == b.problems)
        default: Issue.record("text path and dictionary path disagree on \(deployment ?? "nil") / \(run ?? "nil")")
        }
        let unvalidated = Result { () throws(TemplateError) in try template.renderWithoutValidation(deployment: text.deployment, run: text.run) }
        let unvalidatedReference = Result { () throws(TemplateError) in
            template.render(merged: template.mergedVariables(deployment: try parsed(deployment, "d"), run: try parsed(run, "r")))
        }
        switch (unvalidated, unvalidatedReference) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(deployment ?? "nil") / \(run ?? "nil")")
        case (.failure(let a), .failure(let b)): #expect(a.problems == b.problems)
        default: Issue.record("unvalidated text path disagrees on \(deployment ?? "nil") / \(run ?? "nil")")
        }
    }

    /// Text the member reader hands to the general path: repeated, dotted, escaped and non-ASCII keys,
    /// a byte-order mark, non-objects, malformed and trailing text, forbidden placeholders.
    @Test(arguments: [
        #"{"env": {"A": "1"}, "env": {"B": "2"}}"#, #"{"image": "a", "image": "b"}"#, #"{"image": 1, "image": "ok"}"#,
        #"{"env.EXTRA": "x", "env": {"A": "1"}}"#, #"{"im\u0061ge": "escaped"}"#, #"{"imagé": "x"}"#, "\u{FEFF}{\"image\": \"bom\"}",
        " { \"image\" : \"spaced\" , \"cpu\" : 512 } ", "null", "[]", "\"text\"", "", "  ", #"{"image": "a",}"#, #"{"image": "a"} x"#,
        #"{"image": "{{ prefect.variables.x }}"}"#, #"{"undeclared": "{{ prefect.blocks.a.b }}"}"#, #"{"undeclared": [1, {"x": null}]}"#,
        #"{"cpu": "not a number"}"#, #"{"launch_type": "NOPE"}"#, #"{"capacity_provider_strategy": [{"capacityProvider": "X", "weight": 1}]}"#,
        #"{"env": null}"#, #"{"env": {"A": 1}}"#, #"{}"#, #"{"image": 12345678901234567890}"#, "{\"image\": \"\u{0}\"}",
    ])
    func textThatNeedsTheGeneralPathAgrees(text: String) throws {
        let template = try Self.template("templates/ecs-push.json")
        for requireAll in [true, false] {
            try Self.expectTextPathAgrees(template, text, nil, requireAll: requireAll)
            try Self.expectTextPathAgrees(template, #"{"env": {"D": "d"}, "image": "dep"}"#, text, requireAll: requireAll)
        }
    }

    /// The text scan that spares the placeholder walk: true for `{{` in plain, nested and escaped strings
    /// (any `\u` escape may spell a brace), false for braces apart.
    @Test(arguments: [
        (#""x{{y""#, true), (#""x{y{""#, false), (#"["{", {"d": "{{"}]"#, true), (#""\u007b\u007b""#, true), (#""\u0041""#, true),
        (#""{\n{""#, false), ("1", false), (#"{"a": {"b": "{"}}"#, false), (#"{"{{": 1}"#, true), ("", false),
    ])
    func jsonTextThatMayHoldADoubleBrace(text: String, expected: Bool) {
        var text = text
        #expect(text.withUTF8(BaseJobTemplate.mayHoldDoubleBrace(json:)) == expected)
    }

    /// The memchr scan agrees with a byte-by-byte one at every offset and length.
    @Test func doubleBraceScanAgreesWithBytes() {
        var rng = SplitMix64(seed: 12)
        let alphabet: [UInt8] = Array(#"{\u"a "#.utf8) + [0x7A, 0x7C, 0x5B, 0xFB, 0xDC]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let expected = bytes.indices.dropFirst().contains { i in
                (bytes[i - 1] == UInt8(ascii: "{") && bytes[i] == UInt8(ascii: "{"))
                    || (bytes[i - 1] == UInt8(ascii: "\\") && bytes[i] == UInt8(ascii: "u"))
            }
            #expect(bytes.withUnsafeBufferPointer(BaseJobTemplate.mayHoldDoubleBrace(json:)) == expected, "\(bytes)")
        }
    }

    /// Type-only schemas (`type`, `anyOf` of types) are checked with one bit test; the answer must be the
    /// validator's for every kind of value, integral floats and nested or mixed alternatives included.
    @Test func typeOnlySchemasAgreeWithTheValidator() throws {
        let template = try BaseJobTemplate(
            data: Data(
                #"""
                {"job_configuration": {"a": "{{ a }}", "b": "{{ b }}", "c": "{{ c }}", "d": "{{ d }}", "e": "{{ e }}", "f": "{{ f }}", "g": "{{ g }}"},
                 "variables": {"required": ["g"], "properties": {
                    "a": {"anyOf": [{"type": "integer"}, {"type": "null"}]}, "b": {"type": ["string", "null"]},
                    "c": {"anyOf": [{"type": "string"}, {"title": "anything"}]}, "d": {"anyOf": [{"anyOf": [{"type": "string"}]}, {"type": "array"}]},
                    "e": {"type": "number", "anyOf": [{"type": "integer"}, {"type": "string"}]}, "f": {"type": "integer", "minimum": 2},
                    "g": {"type": "boolean"}}}}
                """#.utf8
            ),
            file: "t.json"
        )
        for name in ["a", "b", "c", "d", "e", "f", "g"] {
            for value in Self.pool + [3.0, 3.5, -0.0] {
                var members: [String: JSONValue] = ["g": true]
                members[name] = value
                let d = BaseJobTemplate.VariableSource(.object(members), name: "d")
                let r = BaseJobTemplate.VariableSource(nil, name: "r")
                let fast = Result { () throws(TemplateError) in try template.render(deployment: d, run: r) }
                let reference = Result { () throws(TemplateError) in try template.renderByDictionaries(deployment: d, run: r) }
                switch (fast, reference) {
                case (.success(let a), .success(let b)): #expect(a == b)
                case (.failure(let a), .failure(let b)): #expect(a.problems == b.problems)
                default: Issue.record("\(name) = \(value.serialized()): the paths disagree")
                }
            }
        }
    }
}
