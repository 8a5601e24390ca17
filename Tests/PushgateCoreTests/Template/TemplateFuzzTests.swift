import Foundation
import PushgateTestSupport
import Testing

@testable import PushgateCore

/// Thousands of mutated templates through parse, validate and render: nothing may crash, every
/// rejection must carry a problem with a place.
@Suite struct TemplateFuzzTests {
    static let seeds: [String] = ["ecs-push.json", "cloud-run-v2-push.json", "azure-container-instance-push.json", "modal-push.json"]

    static let fragments: [String] = [
        "{{ image }}", "{{ env }}", "{{", "}}", "{{ $HOME }}", "{{ prefect.blocks.x.y }}", "{{ a[1].b }}", "\"", "\\",
        "[", "]", "{", "}", ",", ":", "null", "1e999", "-0", "\u{0}", "é", "\"$ref\": \"#/definitions/X\"", "{{ cpu }}",
    ]

    @Test func byteLevelMutationsNeverCrash() throws {
        var rng = SplitMix64(seed: 0x5eed)
        var accepted = 0
        var rejected = 0
        for seed in Self.seeds {
            let original = Array(try Data(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/\(seed)")))
            for _ in 0..<1_000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.remove(at: at)
                    case 2: bytes.insert(contentsOf: Array(Self.fragments.randomElement(using: &rng)!.utf8), at: at)
                    default:
                        let end = min(bytes.count, at + Int.random(in: 1...64, using: &rng))
                        bytes.insert(contentsOf: bytes[at..<end], at: at)
                    }
                    if bytes.isEmpty { bytes = [UInt8(ascii: "{")] }
                }
                do {
                    let template = try BaseJobTemplate(data: Data(bytes), file: "fuzz.json")
                    accepted += 1
                    _ = try? template.render(deployment: .init(["image": "x", "cpu": 1, "env": ["A": "b"]], name: "d"), run: .init(nil, name: "r"))
                    _ = template.render(merged: ["image": .array([.null]), "env": .int(3)])
                } catch {
                    rejected += 1
                    #expect(!error.problems.isEmpty)
                    #expect(error.problems.allSatisfy { $0.path != nil || ($0.line ?? 0) >= 1 })
                }
            }
        }
        #expect(accepted + rejected == 4_000)
        #expect(accepted > 100 && rejected > 100)
    }

    @Test func structuralMutationsNeverCrash() throws {
        var rng = SplitMix64(seed: 42)
        let pool: [JSONValue] = [
            .null, .bool(true), .int(-1), .double(1.5), .string("{{ image }}"), .string("x{{ cpu }}y{{ nope }}"),
            .string("{{ env.A }}"), .array([.string("{{ memory }}")]), .object(["$ref": "#/definitions/Missing"]),
            .object(["type": "integer", "default": "one"]), .object(["anyOf": [["type": "string"], ["type": "null"]]]),
        ]
        func mutate(_ value: JSONValue, depth: Int, _ rng: inout SplitMix64) -> JSONValue {
            if depth > 6 || Int.random(in: 0..<8, using: &rng) == 0 { return pool.randomElement(using: &rng)! }
            switch value {
            case .object(var members):
                if let key = members.keys.sorted().randomElement(using: &rng) { members[key] = mutate(members[key]!, depth: depth + 1, &rng) }
                return .object(members)
            case .array(var items):
                if !items.isEmpty {
                    let i = Int.random(in: 0..<items.count, using: &rng)
                    items[i] = mutate(items[i], depth: depth + 1, &rng)
                }
                return .array(items)
            default:
                return value
            }
        }
        let original = try JSONValue.parse(try Data(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json")))
        var outcomes = (accepted: 0, rejected: 0)
        for _ in 0..<2_000 {
            let mutated = mutate(original, depth: 0, &rng)
            do {
                let template = try BaseJobTemplate(document: mutated, file: "fuzz.json")
                outcomes.accepted += 1
                let rendered = template.render(merged: template.mergedVariables(deployment: ["image": "i"], run: nil))
                // Rendering is deterministic and its output re-parses.
                #expect(try JSONValue.parse(rendered.serialized()) == rendered)
            } catch {
                outcomes.rejected += 1
                #expect(!((error as? TemplateError)?.problems.isEmpty ?? true))
            }
        }
        #expect(outcomes.accepted > 100 && outcomes.rejected > 100)
    }
}
