import Foundation
import PushgateCore

/// The network of an awsvpc task whose configuration names none, found the way Prefect's ECS worker finds
/// it (docs/provider-apis.md §2.3): EC2 `DescribeVpcs` (the given `vpc_id`, else the region's default VPC),
/// then `DescribeSubnets` of that VPC, giving `{subnets: all of them, assignPublicIp: ENABLED,
/// securityGroups: []}` (the VPC's default group applies). Pure: the requests' form bodies and the
/// answers' parsing; ``ECSProvider`` sends them.
package struct ECSNetworkDiscovery: Sendable, Hashable {
    /// `vpc_id` from the job configuration; nil means the default VPC.
    package var vpcID: String?

    package init(vpcID: String?) { self.vpcID = vpcID }

    /// EC2's Query API version the bodies name.
    static let apiVersion = "2016-11-15"
    package static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    /// "default VPC" or "VPC vpc-…", as the errors name it.
    var vpcDescription: String { vpcID.map { "VPC \($0)" } ?? "default VPC" }

    /// The cache key: one answer per VPC choice for the provider's account and region.
    var cacheKey: String { vpcID ?? "<default>" }

    /// `DescribeVpcs` of `vpc_id`, or filtered on `isDefault=true`.
    package var describeVpcsBody: String {
        var fields = ["Action=DescribeVpcs", "Version=\(Self.apiVersion)"]
        if let vpcID {
            fields.append("VpcId.1=" + Self.formEncoded(vpcID))
        } else {
            fields += ["Filter.1.Name=isDefault", "Filter.1.Value.1=true"]
        }
        return fields.joined(separator: "&")
    }

    /// `DescribeSubnets` filtered on `vpc-id`.
    package static func describeSubnetsBody(vpcID: String) -> String {
        ["Action=DescribeSubnets", "Version=\(apiVersion)", "Filter.1.Name=vpc-id", "Filter.1.Value.1=" + formEncoded(vpcID)]
            .joined(separator: "&")
    }

    /// The VPC `DescribeVpcs` found, or the error that says what was tried.
    package func vpc(fromDescribeVpcs xml: String) throws -> String {
        guard let vpc = Self.elements("vpcId", in: Self.section("vpcSet", in: xml)).first else {
            let help = vpcID == nil ? "set vpc_id or network_configuration, or create a default VPC" : "check that the VPC exists in this region"
            throw ProviderError(
                .invalidConfiguration,
                "ECS: awsvpc task without network_configuration: EC2 DescribeVpcs found no \(vpcDescription); \(help)"
            )
        }
        return vpc
    }

    /// The `networkConfiguration` for RunTask from a `DescribeSubnets` answer of `vpc`.
    package func networkConfiguration(fromDescribeSubnets xml: String, vpc: String) throws -> JSONValue {
        let subnets = Self.elements("subnetId", in: Self.section("subnetSet", in: xml))
        guard !subnets.isEmpty else {
            throw ProviderError(
                .invalidConfiguration,
                "ECS: awsvpc task without network_configuration: EC2 DescribeSubnets found no subnet in the \(vpcDescription) (\(vpc))"
            )
        }
        return [
            "awsvpcConfiguration": ["subnets": .array(subnets.map(JSONValue.string)), "assignPublicIp": "ENABLED", "securityGroups": []]
        ]
    }

    /// What a dry run shows instead of the subnets only the calls would find.
    package var placeholderNetworkConfiguration: JSONValue {
        [
            "awsvpcConfiguration": [
                "subnets": .array([.string("<subnets of the \(vpcDescription)>")]), "assignPublicIp": "ENABLED", "securityGroups": [],
            ]
        ]
    }

    /// The text of `<section>…</section>` (empty when absent): EC2 answers nest ids of other kinds too.
    static func section(_ name: String, in xml: String) -> Substring {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else {
            return ""
        }
        return xml[open.upperBound..<close.lowerBound]
    }

    /// The texts of every `<name>…</name>` element in `xml`, in order (ids and codes: no markup inside).
    static func elements(_ name: String, in xml: some StringProtocol) -> [String] {
        let text = String(xml)
        var found: [String] = []
        var rest = text.startIndex..<text.endIndex
        while let open = text.range(of: "<\(name)>", range: rest), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) {
            found.append(String(text[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = close.upperBound..<text.endIndex
        }
        return found
    }

    static func formEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
