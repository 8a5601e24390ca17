import Foundation

// pushgate-bench [WORKLOAD...]: runs the named workloads (all but the slow 1M claim store by default) in
// this process and prints one table. Build with `swift build -c release` and run from the repository root.
let arguments = Array(CommandLine.arguments.dropFirst())
let known = ["render", "sign", "select", "e2e", "http", "claim", "claim-1m", "ui-1m", "prune", "replicas", "scale"]
if arguments.contains("--help") || !Set(arguments).isSubset(of: known) {
    print(
        """
        usage: pushgate-bench [\(known.joined(separator: "|"))]...

          render    parse + merge + render of the ECS template, µs per render, beside Prefect's merge +
                    apply_values on the same inputs (outputs checked equal); and the same with pushgate's
                    schema validation, which Prefect's worker does not do
          sign      SigV4 signatures per second on an ECS RunTask, beside botocore's SigV4Auth (same
                    Authorization checked at a fixed time)
          select    next 100 due runs of a pool with 3 prioritised queues with limits: pushgate's claim
                    and preview (10k and 100k runs), beside a Prefect server's get_scheduled_flow_runs
                    (PUSHGATE_BENCH_PEER_RUNS runs, default 10k)
          e2e       `pushgate serve` (and the dispatcher alone) to the loopback fake ECS of `pushgate
                    emulate`: runs/s, due-to-submitted p50/p99 and RSS, with 100k runs in the store
          http      libcurl requests per second to a loopback server, beside Python urllib3
          claim     claims per second and latency with 10k and 100k runs in SQLite
          claim-1m  the same with 1M runs (slow: builds a 350 MB store)
          ui-1m     the web pages (pools, pool detail, runs first page, a run) over loopback HTTP, logged in
                    by session cookie, with 1M runs in SQLite (2,000 due, the rest scheduled later)
          prune     retention: bytes per finished run on disk, `run prune` rate, and one-run claims' p99 with
                    and without a prune beside them, over PUSHGATE_BENCH_PRUNE_RUNS finished runs (default 100k)
          scale     issue 22's table on a cached store of 1M runs (PUSHGATE_BENCH_SCALE_RUNS; built once
                    under .build-bench/, minutes): serve burst (20k due) and 2,000/s stream, RSS, fairness
                    over 50 pools and 10 accounts, claim of 100 at 10k/100k/1M, run list first page (API
                    and `run ls`), bytes per run and prune rate
          replicas  claims per second with 1, 2 and 3 replicas on one PostgreSQL server, beside SQLite
                    (needs PUSHGATE_BENCH_POSTGRES_URL; scripts/bench.sh starts a throwaway cluster)

        Each figure is the median of several rounds, with the spread (min–max). Run a release build from
        the repository root (templates/ is read from there). Peers run in PUSHGATE_BENCH_PYTHON (default
        python3); scripts/bench.sh sets up a venv with prefect and prefect-aws. Without them, peer columns
        show "-".
        """
    )
    exit(arguments.contains("--help") ? 0 : 2)
}
let selected = Set(arguments.isEmpty ? ["render", "sign", "select", "e2e", "http", "claim"] : arguments)
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
var rows: [BenchRow] = []
var notes: [String] = []
func progress(_ text: String) { FileHandle.standardError.write(Data("pushgate-bench: \(text)\n".utf8)) }
let hasPrefect = (selected.contains("render") || selected.contains("select")) && PeerPython.has("prefect")
notes.append(
    "peer interpreter: \(PeerPython.interpreter), prefect \(PeerPython.version(of: "prefect") ?? "not installed (Prefect peers skipped)")"
        + ", prefect-aws \(PeerPython.version(of: "prefect-aws") ?? "not installed"), botocore \(PeerPython.version(of: "botocore") ?? "not installed")"
)
do {
    if selected.contains("render") {
        progress("render")
        // pushgate and Prefect rounds alternate, so both sides see the same machine load.
        var likeForLike: [Double] = []
        var validated: [Double] = []
        var withTemplateParse: [Double] = []
        var peer: [Double] = []
        var check = "peer missing"
        let ours = try RenderPeer.pushgateRendered(root: root)
        for _ in 0..<5 {
            let result = try RenderBenchmark.run(root: root, rounds: 1)
            likeForLike += result.likeForLike.samples
            validated += result.validated.samples
            withTemplateParse += result.withTemplateParse.samples
            guard hasPrefect, let round = try RenderPeer.run(root: root, iterations: 2_000) else { continue }
            peer.append(round.microseconds)
            let differences = RenderPeer.differences(ours.validated, round.rendered) + RenderPeer.differences(ours.unvalidated, round.rendered)
            check = differences.isEmpty ? "same output (JSON-equal)" : "OUTPUT DIFFERS: " + differences.joined(separator: "; ")
        }
        let peerMeasurement = peer.isEmpty ? nil : Measurement(samples: peer)
        rows.append(
            BenchRow(
                workload: "render ECS template, like for like (vars parse + merge + render)",
                unit: "µs/render",
                pushgate: Measurement(samples: likeForLike),
                peerName: "Prefect merge + apply_values",
                peer: peerMeasurement,
                lowerIsBetter: true,
                note: "goal ≥ 50x; \(check)"
            )
        )
        rows.append(
            BenchRow(
                workload: "same + schema validation (every submission)",
                unit: "µs/render",
                pushgate: Measurement(samples: validated),
                peerName: "Prefect (does not validate)",
                peer: peerMeasurement,
                lowerIsBetter: true,
                note: "pushgate does more work here; \(check)"
            )
        )
        rows.append(
            BenchRow(
                workload: "same, template parsed and validated each time",
                unit: "µs/render",
                pushgate: Measurement(samples: withTemplateParse),
                lowerIsBetter: true
            )
        )
    }
    if selected.contains("sign") {
        progress("sign")
        var ours: [Double] = []
        var oneOff: [Double] = []
        var peers: [Double] = []
        var same: Bool?
        for _ in 0..<7 {
            let result = SignBenchmark.run(iterations: 200_000)
            ours.append(result.prepared)
            oneOff.append(result.oneOff)
            if let peer = result.botocore { peers.append(peer) }
            if let equal = result.sameAuthorization { same = (same ?? true) && equal }
        }
        let check = same.map { $0 ? "same Authorization at 2026-01-02T03:04:05Z" : "AUTHORIZATION DIFFERS" } ?? "peer missing"
        let peer = peers.isEmpty ? nil : Measurement(samples: peers)
        rows.append(
            BenchRow(
                workload: "SigV4 sign ECS RunTask (with session token), as the ECS provider signs",
                unit: "signatures/s",
                pushgate: Measurement(samples: ours),
                peerName: "botocore SigV4Auth",
                peer: peer,
                lowerIsBetter: false,
                note: "goal ≥ 50x; request shape prepared per operation and signing key per day (as in production), all else per call; \(check)"
            )
        )
        rows.append(
            BenchRow(
                workload: "same, one-off request (URL parsed, headers canonicalised per call)",
                unit: "signatures/s",
                pushgate: Measurement(samples: oneOff),
                peerName: "botocore SigV4Auth",
                peer: peer,
                lowerIsBetter: false,
                note: "the path of one-off calls (STS AssumeRole)"
            )
        )
    }
    if selected.contains("select") {
        progress("select (pushgate)")
        let peerRuns = Int(ProcessInfo.processInfo.environment["PUSHGATE_BENCH_PEER_RUNS"] ?? "") ?? 10_000
        let ours = try await SelectBenchmark.run(sizes: [10_000, 100_000])
        var peer: SelectPeer.Result?
        if hasPrefect {
            progress("select (Prefect server with \(peerRuns) runs created through its API; takes minutes)")
            peer = SelectPeer.run(runs: peerRuns, due: 2_000, calls: 15, queues: SelectBenchmark.queues)
        }
        for result in ours {
            let peerHere = peer.flatMap { $0.runs == result.runs ? $0 : nil }
            let peerNote = peerHere.map { "; Prefect returned \($0.returned) (\(SelectBenchmark.describe($0.split)))" } ?? ""
            rows.append(
                BenchRow(
                    workload: "select next 100 due: claim, \(result.runs / 1000)k runs, 3 queues",
                    unit: "ms/call",
                    pushgate: Measurement(samples: result.claim),
                    peerName: peerHere == nil ? nil : "Prefect get_scheduled_flow_runs",
                    peer: peerHere.map { Measurement(samples: $0.milliseconds) },
                    lowerIsBetter: true,
                    note: "goal ≥ 20x; pushgate claimed \(result.claimed) (\(SelectBenchmark.describe(result.split)))" + peerNote
                )
            )
            rows.append(
                BenchRow(
                    workload: "select: preview (no claim), \(result.runs / 1000)k runs",
                    unit: "ms/call",
                    pushgate: Measurement(samples: result.preview),
                    peerName: peerHere == nil ? nil : "Prefect get_scheduled_flow_runs",
                    peer: peerHere.map { Measurement(samples: $0.milliseconds) },
                    lowerIsBetter: true,
                    note: "both read only; preview = verdicts for 100 due + 100 upcoming per queue"
                )
            )
        }
        if let peer {
            notes.append(
                String(
                    format:
                        "select peer: prefect %@ server (SQLite, --no-services --no-ui, healthy after %.1f s); %d runs (%d due) created one by one through POST /deployments/{id}/create_flow_run in %.0f s (%.0f runs/s), so 100k was not attempted; get_scheduled_flow_runs does not claim, so each of the %d timed calls returns the same runs",
                    peer.version,
                    peer.healthSeconds,
                    peer.runs,
                    peer.due,
                    peer.createSeconds,
                    Double(peer.runs) / peer.createSeconds,
                    peer.milliseconds.count
                )
            )
        }
    }
    if selected.contains("e2e") {
        let rounds = Int(ProcessInfo.processInfo.environment["PUSHGATE_BENCH_E2E_ROUNDS"] ?? "") ?? 3
        // `pushgate serve` as a process (what users run; SQLite synchronous=FULL, its default), then the dispatcher
        // alone in this process with synchronous FULL and NORMAL (WAL: a commit survives a process crash, not a
        // power cut), to show what the store's durability costs.
        let gateways: [(EndToEndBenchmark.Gateway, String)] = [
            (.serve, "pushgate serve"), (.inProcess(synchronousFull: true), "dispatcher, sync FULL"),
            (.inProcess(synchronousFull: false), "dispatcher, sync NORMAL"),
        ]
        for (gateway, name) in gateways {
            progress("end to end (\(name)): burst")
            let burst = try await EndToEndBenchmark.run(root: root, gateway: gateway, storeRuns: 100_000, due: 20_000, rate: nil, rounds: rounds)
            rows.append(
                BenchRow(
                    workload: "end to end (\(name)): 20k due at once, 100k in store",
                    unit: "runs/s",
                    pushgate: Measurement(samples: burst.map(\.runsPerSecond)),
                    lowerIsBetter: false,
                    note: "goal ≥ 1,000"
                        + String(
                            format: "; p50 %.0f ms, p99 %.0f ms (queueing: all due at T0); RSS %.0f MiB (peak %.0f)",
                            Measurement(samples: burst.map(\.p50)).median,
                            Measurement(samples: burst.map(\.p99)).median,
                            burst.map(\.rssMiB).max() ?? .nan,
                            burst.map(\.peakRSSMiB).max() ?? .nan
                        )
                )
            )
            progress("end to end (\(name)): stream")
            let stream = try await EndToEndBenchmark.run(root: root, gateway: gateway, storeRuns: 100_000, due: 10_000, rate: 1_000, rounds: rounds)
            rows.append(
                BenchRow(
                    workload: "end to end (\(name)): due→submitted p50, 1,000/s arriving",
                    unit: "ms",
                    pushgate: Measurement(samples: stream.map(\.p50)),
                    lowerIsBetter: true,
                    note: String(
                        format: "10k runs due at 1,000/s, 100k in store; achieved %.0f runs/s",
                        Measurement(samples: stream.map(\.runsPerSecond)).median
                    )
                )
            )
            rows.append(
                BenchRow(
                    workload: "end to end (\(name)): due→submitted p99, 1,000/s arriving",
                    unit: "ms",
                    pushgate: Measurement(samples: stream.map(\.p99)),
                    lowerIsBetter: true,
                    note: String(
                        format: "goal < 250 ms; max %.0f ms; RSS %.0f MiB (peak %.0f)",
                        stream.map(\.max).max() ?? .nan,
                        stream.map(\.rssMiB).max() ?? .nan,
                        stream.map(\.peakRSSMiB).max() ?? .nan
                    )
                )
            )
        }
        notes.append(
            "end to end: runs submitted to the loopback fake ECS of `pushgate emulate` in its own process (SigV4 verified, no faults). \"pushgate serve\": the release binary as a child process, default configuration but `--rate 1000000` (no quota applies to the emulator), info logs to /dev/null, its poller running; RSS is that process's. \"dispatcher\": the Dispatcher alone in this process (defaults: claim batch 200, 64 submissions in flight per pool), pacing out of the way, no poller; RSS is this process's, store setup included. \(rounds) rounds each; times from the store's \"submitted as\" history"
        )
    }
    if selected.contains("http") {
        progress("http")
        let ours = try await HTTPBenchmark.run(requests: 5_000, concurrency: 32, rounds: 5)
        var peers: [Double] = []
        for _ in 0..<3 { if let peer = try HTTPBenchmark.urllib3RequestsPerSecond(requests: 2_000, concurrency: 32) { peers.append(peer) } }
        rows.append(
            BenchRow(
                workload: "HTTP GET to loopback, 32 in flight",
                unit: "requests/s",
                pushgate: ours,
                peerName: "Python urllib3, 32 threads",
                peer: peers.isEmpty ? nil : Measurement(samples: peers),
                lowerIsBetter: false
            )
        )
    }
    let claimSizes: [Int] = (selected.contains("claim") ? [10_000, 100_000] : []) + (selected.contains("claim-1m") ? [1_000_000] : [])
    if !claimSizes.isEmpty {
        progress("claim")
        let results = try await ClaimBenchmark.run(sizes: claimSizes)
        for result in results {
            rows.append(
                BenchRow(
                    workload: "claim 1 run, \(result.runs) runs in SQLite",
                    unit: "claims/s",
                    pushgate: Measurement(samples: [result.claimsPerSecond]),
                    lowerIsBetter: false,
                    note: String(format: "p50 %.2f ms, p99 %.2f ms, RSS %.0f MiB", result.p50, result.p99, result.rssMiB)
                )
            )
        }
        if let first = results.first, let last = results.last, results.count > 1 {
            rows.append(
                BenchRow(
                    workload: "claim p50 at \(last.runs) / at \(first.runs)",
                    unit: "ratio",
                    pushgate: Measurement(samples: [last.p50 / first.p50]),
                    lowerIsBetter: true,
                    note: "goal ≤ 1.5 (1M vs 10k)"
                )
            )
        }
    }
    if selected.contains("ui-1m") {
        progress("ui-1m")
        let size = ProcessInfo.processInfo.environment["PUSHGATE_BENCH_UI_RUNS"].flatMap(Int.init) ?? 1_000_000
        let result = try await UIBenchmark.run(runs: size, due: min(2_000, size))
        for page in result.pages {
            rows.append(
                BenchRow(
                    workload: "web page: \(page.name), \(result.runs) runs in SQLite",
                    unit: "ms/page",
                    pushgate: page.ms,
                    lowerIsBetter: true,
                    note: page.name.hasPrefix("pools") || page.name.hasPrefix("runs") ? "goal < 50 ms" : ""
                )
            )
        }
    }
    if selected.contains("prune") {
        progress("prune")
        let size = ProcessInfo.processInfo.environment["PUSHGATE_BENCH_PRUNE_RUNS"].flatMap(Int.init) ?? 100_000
        let result = try await PruneBenchmark.run(runs: size)
        rows.append(
            BenchRow(
                workload: "store size per finished run (4 history rows), \(result.runs) runs in SQLite",
                unit: "bytes/run",
                pushgate: Measurement(samples: [result.bytesPerRun]),
                lowerIsBetter: true,
                note: "database + WAL before pruning"
            )
        )
        rows.append(
            BenchRow(
                workload: "prune finished runs with history, batches of 64",
                unit: "runs/s",
                pushgate: Measurement(samples: [result.prunedPerSecond]),
                lowerIsBetter: false
            )
        )
        rows.append(
            BenchRow(
                workload: "claim 1 run p99 while pruning / p99 quiet",
                unit: "ratio",
                pushgate: Measurement(samples: [result.claimP99Pruning / result.claimP99Quiet]),
                lowerIsBetter: true,
                note: String(
                    format: "p99 %.2f ms pruning (%d claims), %.2f ms quiet",
                    result.claimP99Pruning,
                    result.claimsDuringPrune,
                    result.claimP99Quiet
                )
            )
        )
    }
    if selected.contains("scale") {
        let scale = try await ScaleBenchmark.rows(root: root)
        rows += scale.rows
        notes += scale.notes
    }
    if selected.contains("replicas") {
        if let url = ProcessInfo.processInfo.environment["PUSHGATE_BENCH_POSTGRES_URL"], !url.isEmpty {
            rows += try await PostgresClaimBenchmark.rows(serverURL: url)
        } else {
            FileHandle.standardError.write(Data("pushgate-bench: replicas skipped: PUSHGATE_BENCH_POSTGRES_URL is not set\n".utf8))
        }
    }
} catch {
    FileHandle.standardError.write(Data("pushgate-bench: \(error)\n".utf8))
    exit(2)
}
print(
    "pushgate-bench \(CommandLine.arguments.dropFirst().joined(separator: " ")) — release build, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(selected.sorted().joined(separator: ", "))"
)
BenchTable.print(rows)
for note in notes { print("- " + note) }
