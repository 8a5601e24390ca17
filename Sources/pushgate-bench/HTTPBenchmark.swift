import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateHTTPServer

/// Throughput of the libcurl transport against a loopback libmicrohttpd server: `requests` small GETs
/// with at most `concurrency` in flight, all on the client's one multi handle and loop thread.
enum HTTPBenchmark {
    /// Requests per second of one round (the server and client are started fresh and stopped after).
    static func requestsPerSecond(requests: Int, concurrency: Int) async throws -> Double {
        let server = try HTTPServer { request in
            .json(200, #"{"taskArn":"arn:aws:ecs:us-east-1:123456789012:task/\#(request.path.count)"}"#)
        }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: CurlHTTPClientConfiguration(maxConnectionsPerHost: max(1, concurrency)))
        defer { client.shutdown() }
        let url = "\(server.baseURL)/v1/tasks"
        // One warm-up request opens the first connection outside the timing.
        _ = try await client.execute(HTTPRequest(method: "GET", url: url))

        let started = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Int.self) { group in
            var issued = 0
            func issue() {
                group.addTask {
                    let response = try await client.execute(HTTPRequest(method: "GET", url: url))
                    return response.status
                }
                issued += 1
            }
            while issued < min(requests, max(1, concurrency)) { issue() }
            while let status = try await group.next() {
                guard status == 200 else { throw HTTPClientError(.other, "benchmark: GET \(url) returned \(status)") }
                if issued < requests { issue() }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Double(requests) / seconds
    }

    /// `rounds` measurements of ``requestsPerSecond(requests:concurrency:)``, for the bench table.
    static func run(requests: Int = 5_000, concurrency: Int = 32, rounds: Int = 5) async throws -> Measurement {
        var samples: [Double] = []
        for _ in 0..<rounds {
            samples.append(try await requestsPerSecond(requests: requests, concurrency: concurrency))
        }
        return Measurement(samples: samples)
    }
}

extension HTTPBenchmark {
    /// The same GETs from Python's urllib3 (what botocore's transport is built on) with the same number of
    /// threads as in-flight requests, against a fresh loopback server; nil when python3/urllib3 is missing.
    static func urllib3RequestsPerSecond(requests: Int, concurrency: Int) throws -> Double? {
        let server = try HTTPServer { request in
            .json(200, #"{"taskArn":"arn:aws:ecs:us-east-1:123456789012:task/\#(request.path.count)"}"#)
        }
        defer { server.stop() }
        let script = #"""
            import sys, time, urllib3
            from concurrent.futures import ThreadPoolExecutor
            url, n, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            pool = urllib3.PoolManager(maxsize=c)
            pool.request("GET", url)
            def get(_):
                r = pool.request("GET", url)
                assert r.status == 200
            start = time.perf_counter()
            with ThreadPoolExecutor(c) as ex:
                list(ex.map(get, range(n)))
            print(n / (time.perf_counter() - start))
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, "\(server.baseURL)/v1/tasks", String(requests), String(concurrency)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
