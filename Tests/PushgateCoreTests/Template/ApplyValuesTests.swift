import Foundation
import PushgateCore
import Testing

/// The VERIFIED examples of docs/prefect-semantics.md §1.4 (Prefect 3.9.1's `apply_values`), with
/// `remove_notset=True` as workers call it.
@Suite struct ApplyValuesTests {
    static let cases: [(template: String, values: String, expected: String?)] = [
        (#""{{ cpu }}""#, #"{"cpu": 1024}"#, "1024"),
        (#""{{ env }}""#, #"{"env": {"A": "1"}}"#, #"{"A":"1"}"#),
        (#"{"a": "{{ cpu }}", "b": 1}"#, "{}", #"{"b":1}"#),
        (#"["x", "{{ cpu }}", "{{ mem }}"]"#, #"{"mem": 5}"#, #"["x",5]"#),
        (#""img:{{ tag }}""#, "{}", #""img:""#),
        (#"{"a": "{{ x }}"}"#, #"{"x": null}"#, #"{"a":null}"#),
        (#""v={{ x }}""#, #"{"x": null}"#, #""v=None""#),
        (
            #""{{ b }}|{{ d }}|{{ l }}|{{ f }}""#, #"{"b": true, "d": {"k": "v"}, "l": [1, "a"], "f": 1.0}"#,
            #""True|{'k': 'v'}|[1, 'a']|1.0""#
        ),
        (#""{{x}}-{{   y   }}""#, #"{"x": 1, "y": 2}"#, #""1-2""#),
        (#""{{ a[1] }}""#, #"{"a": [10, 20]}"#, "20"),
        (#""{{ a.1 }}""#, #"{"a": [10, 20]}"#, "20"),
        (#""{{ a[-1] }}""#, #"{"a": [10, 20]}"#, "20"),
        (#""x-{{ prefect.variables.foo }}-{{ a }}""#, #"{"a": 1}"#, #""x-{{ prefect.variables.foo }}-1""#),
        (#""{{ a }}/{{ a }}""#, #"{"a": "z"}"#, #""z/z""#),
        (#"{"{{ a }}": 1}"#, #"{"a": "k"}"#, #"{"{{ a }}":1}"#),
        (#"{"o": {"p": ["{{ a }}", {"q": "{{ b }}"}]}}"#, #"{"a": 1}"#, #"{"o":{"p":[1,{}]}}"#),
        (#"{"a": "{{ f }}", "b": "{{ z }}", "c": "{{ e }}"}"#, #"{"f": false, "z": 0, "e": ""}"#, #"{"a":false,"b":0,"c":""}"#),
        // R0: scalars pass through; R1: strings without placeholders are unchanged.
        ("42", "{}", "42"),
        (#""no placeholders {{ a b }} {{ x | f }}""#, #"{"x": 1}"#, #""no placeholders {{ a b }} {{ x | f }}""#),
        // R2 on a missing name: NotSet at the root.
        (#""{{ missing }}""#, "{}", nil),
        // R6: single pass, for whole and embedded placeholders.
        (#""{{ a }}""#, #"{"a": "{{ b }}", "b": 1}"#, #""{{ b }}""#),
        (#""x{{ a }}-{{ b }}""#, #"{"a": "{{ b }}", "b": 1}"#, #""x{{ b }}-1""#),
        // get_from_dict: string indexing, a dict key "0", leading zeros on lists, dotted keys unreachable.
        (#""{{ s.0 }}""#, #"{"s": "abc"}"#, #""a""#),
        (#""{{ s[-1] }}""#, #"{"s": "abc"}"#, #""c""#),
        (#""{{ d.0 }}""#, #"{"d": {"0": "zero"}}"#, #""zero""#),
        (#""{{ a.01 }}""#, #"{"a": [10, 20]}"#, "20"),
        (#""{{ a.b }}""#, #"{"a.b": 3}"#, nil),
        (#""{{ a.x }}""#, #"{"a": [1]}"#, nil),
        // G4: explicit null; whole-value gives null, embedded gives "None".
        (#""repo/{{ image }}""#, #"{"image": null}"#, #""repo/None""#),
    ]

    @Test(arguments: 0..<cases.count)
    func verifiedExample(index: Int) throws {
        let c = ApplyValuesTests.cases[index]
        let template = try JSONValue.parse(c.template)
        let values = try JSONValue.parse(c.values).objectValue!
        let rendered = CompiledTemplate.applyValues(template, values)
        if let expected = c.expected {
            #expect(rendered == (try JSONValue.parse(expected)), "template \(c.template)")
        } else {
            #expect(rendered == nil, "template \(c.template) should render to NotSet")
        }
    }

    /// pushgate never reads its own environment: `{{ $NAME }}` is always empty, even when the variable is set
    /// (Prefect would substitute `os.environ`). Validation refuses it in `job_configuration` anyway.
    @Test func environmentPlaceholdersNeverReadTheGatewayEnvironment() throws {
        setenv("PUSHGATE_TEST_SECRET_VAR", "do-not-leak", 1)
        defer { unsetenv("PUSHGATE_TEST_SECRET_VAR") }
        let template = try JSONValue.parse(#"{"k": "{{ $PUSHGATE_TEST_SECRET_VAR }}", "e": "x={{ $PUSHGATE_TEST_SECRET_VAR }}"}"#)
        let rendered = CompiledTemplate.applyValues(template, [:])
        #expect(rendered == .object(["k": "", "e": "x="]))
    }
}
