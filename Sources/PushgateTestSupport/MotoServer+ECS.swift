import Foundation

/// ECS set-up in moto for end-to-end tests (docs/build-notes.md §4): Fargate tasks need the default VPC's
/// subnets and a security group (moto answers 500 without them).
extension MotoServer {
    package struct ECSNetwork: Sendable, Decodable {
        package var subnets: [String]
        package var securityGroups: [String]
        /// The default VPC and every subnet of it (what discovery of the default network must find).
        package var vpc: String
        package var allSubnets: [String]
    }

    /// The default VPC's subnets and security group, read with boto3 signed by the bootstrap key. The calls
    /// only read, so botocore's standard retries may repeat them: under a loaded test run moto has answered
    /// one with a non-XML error.
    package func defaultECSNetwork() throws -> ECSNetwork {
        let script = #"""
            import json, sys, boto3
            from botocore.config import Config
            url, key, secret = sys.argv[1:4]
            ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
                               aws_secret_access_key=secret, config=Config(retries={"max_attempts": 5, "mode": "standard"}))
            vpc = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]
            subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
            groups = [g["GroupId"] for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]]
            print(json.dumps({"subnets": subnets[:2], "securityGroups": groups[:1], "vpc": vpc, "allSubnets": subnets}))
            """#
        let output = try PythonScript.run(script, arguments: [endpoint, bootstrap.accessKeyID, bootstrap.secretAccessKey])
        return try JSONDecoder().decode(ECSNetwork.self, from: Data(output.utf8))
    }

    /// Writes `messages` to a CloudWatch Logs stream (creating group and stream), one event a millisecond
    /// from `startMillis`, with boto3: what the awslogs driver of a real task would have written.
    package func putLogEvents(group: String, stream: String, messages: [String], startMillis: Int64) throws {
        let script = #"""
            import json, sys, boto3
            url, key, secret, group, stream, start = sys.argv[1:7]
            logs = boto3.client("logs", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
            try:
                logs.create_log_group(logGroupName=group)
            except logs.exceptions.ResourceAlreadyExistsException:
                pass
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
            messages = json.loads(sys.stdin.read())
            events = [{"timestamp": int(start) + i, "message": m} for i, m in enumerate(messages)]
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
            print("ok")
            """#
        _ = try PythonScript.run(
            script,
            arguments: [endpoint, bootstrap.accessKeyID, bootstrap.secretAccessKey, group, stream, String(startMillis)],
            standardInput: try JSONEncoder().encode(messages)
        )
    }
}
