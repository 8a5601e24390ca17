/// The wire types of the protobuf binary encoding (https://protobuf.dev/programming-guides/encoding/#structure).
/// Modal's API is protobuf over gRPC (docs/provider-apis.md §5.1), and pushgate encodes its few messages by hand
/// rather than depend on swift-protobuf.
package enum ProtobufWireType: UInt8, Sendable, Equatable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}
