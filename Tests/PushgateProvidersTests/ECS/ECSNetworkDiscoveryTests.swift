import Foundation
import PushgateCore
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

/// The default-network look-up without sockets: request bodies, EC2 answers, and what the errors say.
@Suite("ECS default network discovery")
struct ECSNetworkDiscoveryTests {
    static let vpcs = """
        <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcSet><item>\
        <vpcId>vpc-1a2b</vpcId><ownerId>123</ownerId><isDefault>true</isDefault></item></vpcSet></DescribeVpcsResponse>
        """
    static let subnets = """
        <DescribeSubnetsResponse><subnetSet><item><subnetId>subnet-a</subnetId><vpcId>vpc-1a2b</vpcId></item>\
        <item><subnetId>subnet-b</subnetId><vpcId>vpc-1a2b</vpcId></item></subnetSet></DescribeSubnetsResponse>
        """

    @Test("bodies: isDefault filter, or the named VPC; subnets filtered on vpc-id")
    func bodies() {
        #expect(
            ECSNetworkDiscovery(vpcID: nil).describeVpcsBody == "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=isDefault&Filter.1.Value.1=true"
        )
        #expect(ECSNetworkDiscovery(vpcID: "vpc-9").describeVpcsBody == "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-9")
        #expect(
            ECSNetworkDiscovery.describeSubnetsBody(vpcID: "vpc-9")
                == "Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-9"
        )
    }

    @Test("answers: the VPC, then every subnet with a public IP and the VPC's default group, as Prefect does")
    func answers() throws {
        let discovery = ECSNetworkDiscovery(vpcID: nil)
        #expect(try discovery.vpc(fromDescribeVpcs: Self.vpcs) == "vpc-1a2b")
        let network = try discovery.networkConfiguration(fromDescribeSubnets: Self.subnets, vpc: "vpc-1a2b")
        #expect(network == ["awsvpcConfiguration": ["subnets": ["subnet-a", "subnet-b"], "assignPublicIp": "ENABLED", "securityGroups": []]])
    }

    @Test("no default VPC, or no subnet: the error says what was tried and what to set")
    func errors() throws {
        let empty = "<DescribeVpcsResponse><vpcSet/></DescribeVpcsResponse>"
        let none = #expect(throws: ProviderError.self) { try ECSNetworkDiscovery(vpcID: nil).vpc(fromDescribeVpcs: empty) }
        #expect(none?.code == .invalidConfiguration)
        #expect(none?.message.contains("EC2 DescribeVpcs found no default VPC") == true)
        #expect(none?.message.contains("set vpc_id or network_configuration, or create a default VPC") == true, "\(none?.message ?? "")")
        let named = #expect(throws: ProviderError.self) { try ECSNetworkDiscovery(vpcID: "vpc-x").vpc(fromDescribeVpcs: empty) }
        #expect(named?.message.contains("found no VPC vpc-x; check that the VPC exists in this region") == true)
        let noSubnet = #expect(throws: ProviderError.self) {
            try ECSNetworkDiscovery(vpcID: nil).networkConfiguration(fromDescribeSubnets: "<DescribeSubnetsResponse/>", vpc: "vpc-1")
        }
        #expect(noSubnet?.message.contains("DescribeSubnets found no subnet") == true)
    }

    @Test("the provider looks the network up once per VPC choice and puts it in RunTask; a dry run shows the look-up")
    func providerUsesAndCachesIt() async throws {
        let http = RecordingHTTPClient { request in
            let body = String(decoding: request.body, as: UTF8.self)
            if body.hasPrefix("Action=DescribeVpcs") { return HTTPResponse(status: 200, body: Data(Self.vpcs.utf8)) }
            if body.hasPrefix("Action=DescribeSubnets") { return HTTPResponse(status: 200, body: Data(Self.subnets.utf8)) }
            let target = request.headers["X-Amz-Target"] ?? ""
            if target.hasSuffix("RunTask") {
                return HTTPResponse(status: 200, body: Data(#"{"tasks":[{"taskArn":"arn:aws:ecs:us-east-1:1:task/c/t1"}],"failures":[]}"#.utf8))
            }
            if target.hasSuffix("DescribeTaskDefinition") {
                return HTTPResponse(status: 400, body: Data(#"{"__type":"ClientException","message":"Unable to describe task definition."}"#.utf8))
            }
            return HTTPResponse(
                status: 200,
                body: Data(#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/f:1"}}"#.utf8)
            )
        }
        let provider = ECSProvider(
            region: "us-east-1",
            credentials: StaticAWSCredentialProvider(AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")),
            http: http,
            clock: ManualClock()
        )
        for runID in ["a0000000-0000-0000-0000-000000000001", "a0000000-0000-0000-0000-000000000002"] {
            _ = try await provider.submit(try ECSFixtures.job(["network_configuration": [:]], runID: runID))
        }
        let ec2 = http.requests.filter { $0.url == "https://ec2.us-east-1.amazonaws.com/" }
        #expect(ec2.count == 2, "DescribeVpcs and DescribeSubnets once for both runs")
        #expect(ec2.allSatisfy { $0.headers["Authorization"]?.contains("/us-east-1/ec2/aws4_request") == true })
        let runTasks = http.requests.filter { $0.headers["X-Amz-Target"]?.hasSuffix("RunTask") == true }
        #expect(runTasks.count == 2)
        for request in runTasks {
            let body = try JSONValue.parse(request.body)
            #expect(body["networkConfiguration"]?["awsvpcConfiguration"]?["subnets"] == ["subnet-a", "subnet-b"])
        }

        let dry = try await provider.dryRun(try ECSFixtures.job(["network_configuration": [:]]))
        #expect(String(decoding: dry[0].body, as: UTF8.self).hasPrefix("Action=DescribeVpcs"))
        #expect(String(decoding: dry[1].body, as: UTF8.self).contains("Filter.1.Value.1=%3Cid%20of%20the%20default%20VPC%3E"))
        #expect(String(decoding: dry.last!.body, as: UTF8.self).contains("<subnets of the default VPC>"))
    }
}
