import Foundation
import PushgateCore

/// The select workload's peer: a real Prefect server (`prefect server start`, SQLite, offline, analytics
/// off, `PREFECT_HOME` in a temporary directory) given the same pool, queues, deployments and runs as
/// ``SelectBenchmark`` through its REST API, then timed answering
/// `POST /work_pools/{name}/get_scheduled_flow_runs` with `{"limit": 100, "scheduled_before": now}` over
/// loopback. That call does not claim, so every timed call gets the same 100 runs. The server runs in
/// its own process group and is killed at the end, on failure and on SIGTERM too.
enum SelectPeer {
    static let script = #"""
        import http.client, json, os, signal, socket, subprocess, sys, tempfile, threading, time, shutil
        from concurrent.futures import ThreadPoolExecutor
        from datetime import datetime, timedelta, timezone

        runs, due, calls = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        queues = json.loads(sys.argv[4])   # [[name, priority, limit or null], ...]
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))

        def free_port():
            s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

        home = tempfile.mkdtemp(prefix="pushgate-bench-prefect-")
        port = free_port()
        env = dict(os.environ, PREFECT_HOME=home, PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_API_URL=f"http://127.0.0.1:{port}/api", PREFECT_LOGGING_LEVEL="WARNING",
                   PREFECT_SERVER_LOGGING_LEVEL="WARNING")
        prefect = os.path.join(os.path.dirname(sys.executable), "prefect")
        server = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-services", "--no-ui"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "server.log"), "w"),
                                  start_new_session=True)
        local = {}
        def conn():
            t = threading.get_ident()
            if t not in local: local[t] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            return local[t]
        def call(method, path, body=None, raw=False, retry_io=True):
            # Like Prefect's own client, retry the 503 its server sends for retryable errors (SQLite busy).
            for attempt in range(30):
                c = conn()
                try:
                    c.request(method, "/api" + path, body=None if body is None else json.dumps(body),
                              headers={"Content-Type": "application/json"})
                    r = c.getresponse(); data = r.read()
                except (OSError, http.client.HTTPException):
                    if not retry_io: raise
                    local.pop(threading.get_ident(), None); c.close()
                    retries[0] += 1; time.sleep(min(1.0, 0.02 * 2 ** attempt)); continue
                if r.status == 503:
                    retries[0] += 1; time.sleep(min(1.0, 0.02 * 2 ** attempt)); continue
                if r.status >= 300: raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
                return data if raw else (json.loads(data) if data else None)
            raise RuntimeError(f"{method} {path}: still 503 after 30 attempts")
        retries = [0]
        try:
            started = time.monotonic()
            while True:
                try:
                    if call("GET", "/health", retry_io=False) is True: break
                except Exception:
                    local.clear()
                if server.poll() is not None: raise RuntimeError("prefect server exited")
                if time.monotonic() - started > 120: raise RuntimeError("prefect server not healthy after 120 s")
                time.sleep(0.25)
            health_seconds = time.monotonic() - started
            version = call("GET", "/admin/version")
            setup = time.monotonic()
            call("POST", "/work_pools/", {"name": "bench", "type": "process"})
            flow = call("POST", "/flows/", {"name": "bench-flow"})
            deployments = []
            for name, priority, limit in queues:
                call("POST", "/work_pools/bench/queues", {"name": name, "priority": priority, "concurrency_limit": limit})
                d = call("POST", "/deployments/", {"name": "d-" + name, "flow_id": flow["id"],
                                                   "work_pool_name": "bench", "work_queue_name": name})
                deployments.append(d["id"])
            now = datetime.now(timezone.utc)
            def create(i):
                scheduled = now - timedelta(seconds=due - i) if i < due else now + timedelta(seconds=3600 + i * 0.25)
                call("POST", f"/deployments/{deployments[i % len(deployments)]}/create_flow_run",
                     {"state": {"type": "SCHEDULED", "state_details": {"scheduled_time": scheduled.isoformat()}}})
            created = time.monotonic()
            with ThreadPoolExecutor(1) as ex:
                list(ex.map(create, range(runs)))
            create_seconds = time.monotonic() - created
            body = {"limit": 100, "scheduled_before": datetime.now(timezone.utc).isoformat()}
            first = json.loads(call("POST", "/work_pools/bench/get_scheduled_flow_runs", body, raw=True))
            queue_ids = {q["id"]: q["name"] for q in call("POST", "/work_pools/bench/queues/filter", {})}
            split = {}
            for item in first: split[queue_ids[item["work_queue_id"]]] = split.get(queue_ids[item["work_queue_id"]], 0) + 1
            for _ in range(3): call("POST", "/work_pools/bench/get_scheduled_flow_runs", body, raw=True)
            samples = []
            for _ in range(calls):
                t = time.perf_counter()
                call("POST", "/work_pools/bench/get_scheduled_flow_runs", body, raw=True)
                samples.append((time.perf_counter() - t) * 1000)
            print(json.dumps({"runs": runs, "due": due, "health_seconds": health_seconds, "create_seconds": create_seconds,
                              "setup_seconds": time.monotonic() - setup, "retries_503": retries[0], "version": version, "returned": len(first),
                              "split": split, "ms": samples}))
        finally:
            try: os.killpg(server.pid, signal.SIGTERM)
            except ProcessLookupError: pass
            try: server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL); server.wait()
            shutil.rmtree(home, ignore_errors=True)
        """#

    struct Result {
        var runs: Int
        var due: Int
        var milliseconds: [Double]
        var returned: Int
        var split: [String: Int]
        var createSeconds: Double
        var healthSeconds: Double
        var version: String
    }

    /// Starts the server, builds the pool and `runs` runs (`due` of them due), times `calls` calls; nil
    /// (with the reason on stderr) when the peer interpreter lacks prefect or the server fails.
    static func run(runs: Int, due: Int, calls: Int, queues: [SelectBenchmark.QueueShape]) -> Result? {
        let shape: JSONValue = .array(queues.map { .array([.string($0.name), .int(Int64($0.priority)), $0.limit.map { .int(Int64($0)) } ?? .null]) })
        guard let output = try? PeerPython.run(["-c", script, String(runs), String(due), String(calls), shape.serialized()], timeout: 3_600) else {
            return nil
        }
        guard output.status == 0, let line = output.stdout.split(separator: "\n").last, let json = try? JSONValue.parse(String(line)),
            let samples = json["ms"]?.arrayValue?.compactMap(\.doubleValue)
        else {
            FileHandle.standardError.write(Data("select peer (prefect server) failed: \(output.stderr.suffix(800))\n".utf8))
            return nil
        }
        var split: [String: Int] = [:]
        for (key, value) in json["split"]?.objectValue ?? [:] { split[key] = Int(value.intValue ?? 0) }
        return Result(
            runs: runs,
            due: due,
            milliseconds: samples,
            returned: Int(json["returned"]?.intValue ?? 0),
            split: split,
            createSeconds: json["create_seconds"]?.doubleValue ?? .nan,
            healthSeconds: json["health_seconds"]?.doubleValue ?? .nan,
            version: json["version"]?.stringValue ?? "?"
        )
    }
}
