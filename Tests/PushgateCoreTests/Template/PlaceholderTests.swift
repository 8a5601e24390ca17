import PushgateCore
import Testing

@Suite struct PlaceholderTests {
    @Test(arguments: [
        ("{{x}}", ["x"]),
        ("{{ x }}", ["x"]),
        ("{{   x   }}", ["x"]),
        ("a {{ b.c[0] }} d {{ $HOME }}", ["b.c[0]", "$HOME"]),
        ("{{ a b }}", []),
        ("{{ x | filter }}", []),
        ("{{{ x }}}", ["x"]),
        ("{{ prefect.blocks.secret.tok }}", ["prefect.blocks.secret.tok"]),
        ("{{ é }}", ["é"]),
        ("{{ }}", []),
        ("{{ a-b }}", ["a-b"]),
        ("{{\tx\n}}", ["x"]),
    ])
    func grammar(text: String, names: [String]) {
        #expect(Placeholder.scan(text).map(\.name) == names)
    }

    @Test(arguments: [
        ("prefect.blocks.aws-credentials.prod", Placeholder.Kind.blockDocument),
        ("prefect.variables.image", .variable),
        ("$HOME", .environment),
        ("$$X", .environment),
        ("image", .standard),
        ("prefect.other", .standard),
    ])
    func classification(name: String, kind: Placeholder.Kind) {
        #expect(Placeholder.scan("{{ \(name) }}").first?.kind == kind)
    }
}
