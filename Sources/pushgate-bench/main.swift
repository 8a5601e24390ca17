import Foundation

// pushgate-bench [WORKLOAD...]: runs the named workloads (all but the slow 1M claim store by default) in
// this process and prints one table. Build with `swift build -c release` and run from the repository root.
let arguments = Array(CommandLine.arguments.dropFirst())
let known = ["render", "sign", "http", "claim", "claim-1m"]
if arguments.contains("--help") || !Set(arguments).isSubset(of: known) {
    print("""
        usage: pushgate-bench [\(known.joined(separator: "|"))]...

          render    parse + merge + validate + render of the ECS template, µs per render
          sign      SigV4 signatures per second on an ECS RunTask, beside botocore's SigV4Auth
          http      libcurl requests per second to a loopback server, beside Python urllib3
          claim     claims per second and latency with 10k and 100k runs in SQLite
          claim-1m  the same with 1M runs (slow: builds a 350 MB store)

        Each figure is the median of several rounds, with the spread (min–max). Run a release build from
        the repository root (templates/ is read from there).
        """)
    exit(arguments.contains("--help") ? 0 : 2)
}
let selected = Set(arguments.isEmpty ? ["render", "sign", "http", "claim"] : arguments)
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
    if selected.contains("sign") {
        var ours: [Double] = []
        var peers: [Double] = []
        for _ in 0..<5 {
            let result = SignBenchmark.run(iterations: 20_000)
            ours.append(result.pushgate)
            if let peer = result.botocore { peers.append(peer) }
        }
        rows.append(BenchRow(workload: "SigV4 sign ECS RunTask (with session token)", unit: "signatures/s", pushgate: Measurement(samples: ours),
            peerName: "botocore SigV4Auth", peer: peers.isEmpty ? nil : Measurement(samples: peers), lowerIsBetter: false, note: "goal ≥ 20x"))
    }
    if selected.contains("http") {
        let ours = try await HTTPBenchmark.run(requests: 5_000, concurrency: 32, rounds: 5)
        var peers: [Double] = []
        for _ in 0..<3 { if let peer = try HTTPBenchmark.urllib3RequestsPerSecond(requests: 2_000, concurrency: 32) { peers.append(peer) } }
        rows.append(BenchRow(workload: "HTTP GET to loopback, 32 in flight", unit: "requests/s", pushgate: ours,
            peerName: "Python urllib3, 32 threads", peer: peers.isEmpty ? nil : Measurement(samples: peers), lowerIsBetter: false))
    }
    let claimSizes: [Int] = (selected.contains("claim") ? [10_000, 100_000] : []) + (selected.contains("claim-1m") ? [1_000_000] : [])
    if !claimSizes.isEmpty {
        let results = try await ClaimBenchmark.run(sizes: claimSizes)
        for result in results {
            rows.append(BenchRow(workload: "claim 1 run, \(result.runs) runs in SQLite", unit: "claims/s", pushgate: Measurement(samples: [result.claimsPerSecond]),
                lowerIsBetter: false, note: String(format: "p50 %.2f ms, p99 %.2f ms, RSS %.0f MiB", result.p50, result.p99, result.rssMiB)))
        }
        if let first = results.first, let last = results.last, results.count > 1 {
            rows.append(BenchRow(workload: "claim p50 at \(last.runs) / at \(first.runs)", unit: "ratio", pushgate: Measurement(samples: [last.p50 / first.p50]),
                lowerIsBetter: true, note: "goal ≤ 1.5 (1M vs 10k)"))
        }
    }
} catch {
    FileHandle.standardError.write(Data("pushgate-bench: \(error)\n".utf8))
    exit(2)
}
BenchTable.print(rows)
