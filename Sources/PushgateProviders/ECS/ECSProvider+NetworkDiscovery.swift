import Foundation
import PushgateCore
import PushgateSigning

extension ECSProvider {
    /// The `networkConfiguration` of an awsvpc task whose configuration names none: EC2 `DescribeVpcs` then
    /// `DescribeSubnets` (``ECSNetworkDiscovery``), signed with the pool's credentials and cached per VPC
    /// choice, since this provider serves one account and region (docs/provider-apis.md §2.3).
    func network(for discovery: ECSNetworkDiscovery, at date: Date) async throws -> JSONValue {
        if let known = state.networks.withLock({ $0[discovery.cacheKey] }) { return known }
        let vpc = try discovery.vpc(fromDescribeVpcs: try await ec2Call("DescribeVpcs", discovery.describeVpcsBody, at: date))
        let subnets = try await ec2Call("DescribeSubnets", ECSNetworkDiscovery.describeSubnetsBody(vpcID: vpc), at: date)
        let network = try discovery.networkConfiguration(fromDescribeSubnets: subnets, vpc: vpc)
        state.networks.withLock { $0[discovery.cacheKey] = network }
        return network
    }

    /// An EC2 Query call signed with `credentials` at `date` (service `ec2`, the provider's region).
    func ec2Request(_ body: String, credentials: AWSCredentials, at date: Date) throws -> HTTPRequest {
        try awsRequest(
            AWSCall(action: "EC2", service: "ec2", url: ec2Endpoint + "/", headers: [(name: "Content-Type", value: ECSNetworkDiscovery.contentType)]),
            body: Data(body.utf8),
            credentials: credentials,
            at: date
        )
    }

    private func ec2Call(_ action: String, _ body: String, at date: Date) async throws -> String {
        let call = AWSCall(
            action: "EC2 \(action)",
            service: "ec2",
            url: ec2Endpoint + "/",
            headers: [(name: "Content-Type", value: ECSNetworkDiscovery.contentType)]
        )
        do {
            return String(decoding: try await awsRead(call, body: Data(body.utf8)), as: UTF8.self)
        } catch var error as ProviderError where error.code == .notFound {
            error.code = .invalidConfiguration  // a vpc_id that does not exist is the configuration's fault
            throw error
        }
    }
}
