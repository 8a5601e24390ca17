import Foundation

// pushgate-bench [WORKLOAD...]: runs the named workloads (all by default) in this process and prints
// one table. Build with `swift build -c release` and run from the repository root.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") {
    print("""
        usage: pushgate-bench [render]...

        Prints a table of pushgate's figures (median of several rounds, with the spread) beside a peer's
        on the same inputs where one is named. Run a release build from the repository root.
        """)
    exit(0)
}
let selected = Set(arguments.isEmpty ? ["render"] : arguments)
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
var rows: [BenchRow] = []
do {
    if selected.contains("render") {
        let result = try RenderBenchmark.run(root: root)
        rows.append(BenchRow(workload: "render ECS template (vars parse + merge + validate + render)", unit: "µs/render",
            pushgate: result.render, lowerIsBetter: true, note: "goal < 20 µs"))
        rows.append(BenchRow(workload: "same, template parsed and validated each time", unit: "µs/render",
            pushgate: result.withTemplateParse, lowerIsBetter: true))
    }
} catch {
    FileHandle.standardError.write(Data("pushgate-bench: \(error)\n".utf8))
    exit(2)
}
BenchTable.print(rows)
