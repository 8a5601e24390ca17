import Foundation
import PushgateCore

/// Prefect's own render path on the same inputs as ``RenderBenchmark``: the deployment + flow-run
/// job-variable merge of `BaseJobConfiguration.resolve_for_flow_run`, then the body of
/// `from_template_and_values` up to and including `prefect.utilities.templating.apply_values`
/// (non-null defaults via Prefect's `_get_base_config_defaults`, the env default/literal merge, dotted
/// keys via Prefect's `set_in_dict`/`deep_merge`, `variables.update`, the env deep merge). The two async
/// resolver stages (blocks, Prefect variables; they need an API client and find nothing here) and the
/// pydantic model construction are not run. Both sides parse the variable JSON text (`json.loads` here).
/// The like-for-like pushgate figure does the same work; pushgate's second figure also validates the
/// merged values against the schema, which Prefect leaves to its server at deployment/run creation.
enum RenderPeer {
    static let script = #"""
        import copy, json, sys, time
        from prefect.utilities.templating import apply_values
        from prefect.utilities.collections import deep_merge, set_in_dict
        from prefect.workers.base import BaseJobConfiguration

        def render(template, deployment_text, run_text):
            # BaseJobConfiguration.resolve_for_flow_run (prefect 3.x), verbatim logic
            deployment_vars = json.loads(deployment_text) or {}
            flow_run_vars = json.loads(run_text) or {}
            job_variables = {**deployment_vars}
            if isinstance(job_variables.get("env"), dict):
                job_variables["env"].update(flow_run_vars.pop("env", {}))
            job_variables.update(flow_run_vars)
            values = job_variables
            # BaseJobConfiguration.from_template_and_values, up to apply_values, verbatim logic
            base_config = copy.deepcopy(template["job_configuration"])
            variables = BaseJobConfiguration._get_base_config_defaults(template["variables"].get("properties", {}))
            if variables.get("env"):
                if isinstance(base_config.get("env"), dict):
                    base_config["env"] = base_config["env"] | variables.get("env")
                else:
                    base_config["env"] = variables.get("env")
            transformed_values = {}
            for key, value in values.items():
                if "." in key:
                    set_in_dict(transformed_values, key, value)
            for key, value in values.items():
                if "." not in key:
                    if key in transformed_values and isinstance(transformed_values[key], dict) and isinstance(value, dict):
                        transformed_values[key] = deep_merge(transformed_values[key], value)
                    else:
                        transformed_values[key] = value
            variables.update(transformed_values)
            if isinstance(base_config.get("env"), dict) and (deployment_env := variables.get("env")):
                base_config["env"] = base_config.get("env") | deployment_env
            return apply_values(template=base_config, values=variables)

        n = int(sys.argv[1])
        inputs = json.load(sys.stdin)
        template = inputs["template"]
        out = render(template, inputs["deployment"], inputs["run"])
        for _ in range(max(1, n // 10)):
            render(template, inputs["deployment"], inputs["run"])
        start = time.perf_counter()
        for _ in range(n):
            render(template, inputs["deployment"], inputs["run"])
        print((time.perf_counter() - start) / n * 1e6)
        print(json.dumps(out))
        """#

    struct Result {
        var microseconds: Double
        var rendered: JSONValue
    }

    /// One round: `iterations` renders in Prefect, µs per render, and its rendered configuration.
    static func run(root: URL, iterations: Int) throws -> Result? {
        let template = try JSONValue.parse(try RenderBenchmark.templateData(root: root))
        let input: JSONValue = [
            "template": template, "deployment": .string(RenderBenchmark.deploymentVariables), "run": .string(RenderBenchmark.runVariables),
        ]
        let output = try PeerPython.run(["-c", script, String(iterations)], input: Data(input.serialized().utf8))
        guard output.status == 0 else {
            FileHandle.standardError.write(Data("render peer failed: \(output.stderr.suffix(600))\n".utf8))
            return nil
        }
        let lines = output.stdout.split(separator: "\n", maxSplits: 1).map(String.init)
        guard lines.count == 2, let micros = Double(lines[0]) else { return nil }
        return Result(microseconds: micros, rendered: try JSONValue.parse(lines[1]))
    }

    /// pushgate's renders of the same inputs: validated (as `pushgate render` prints it and submissions
    /// send it) and unvalidated (the like-for-like figure).
    static func pushgateRendered(root: URL) throws -> (validated: JSONValue, unvalidated: JSONValue) {
        let template = try BaseJobTemplate(data: try RenderBenchmark.templateData(root: root), file: "ecs-push.json")
        let deployment = BaseJobTemplate.VariableSource(json: RenderBenchmark.deploymentVariables, name: "d")
        let run = BaseJobTemplate.VariableSource(json: RenderBenchmark.runVariables, name: "r")
        return (try template.render(deployment: deployment, run: run), try template.renderWithoutValidation(deployment: deployment, run: run))
    }

    /// Paths where two JSON values differ (at most `limit`), for the equality check's report.
    static func differences(_ a: JSONValue, _ b: JSONValue, path: String = "$", limit: Int = 5) -> [String] {
        if a == b { return [] }
        switch (a, b) {
        case (.object(let x), .object(let y)):
            var found: [String] = []
            for key in Set(x.keys).union(y.keys).sorted() where found.count < limit {
                switch (x[key], y[key]) {
                case (nil, _): found.append("\(path).\(key): only in Prefect's")
                case (_, nil): found.append("\(path).\(key): only in pushgate's")
                case (let l?, let r?): found += differences(l, r, path: "\(path).\(key)", limit: limit - found.count)
                }
            }
            return found
        case (.array(let x), .array(let y)) where x.count == y.count:
            var found: [String] = []
            for i in x.indices where found.count < limit { found += differences(x[i], y[i], path: "\(path)[\(i)]", limit: limit - found.count) }
            return found
        default:
            return ["\(path): pushgate \(a.serialized()) vs Prefect \(b.serialized())"]
        }
    }
}
