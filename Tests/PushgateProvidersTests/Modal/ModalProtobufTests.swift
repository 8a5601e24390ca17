import Foundation
import Testing

@testable import PushgateProviders

/// Known byte vectors computed by hand from the protobuf encoding spec
/// (https://protobuf.dev/programming-guides/encoding/), and round trips through the reader.
@Suite("Modal protobuf wire format")
struct ModalProtobufTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    @Test("field 1 varint 150 is 08 96 01 (the spec's first example)")
    func varint150() throws {
        var w = ProtobufWriter()
        w.uint(1, 150)
        #expect(Self.hex(w.bytes) == "089601")
        #expect(try ProtobufMessage(w.bytes).uint(1) == 150)
    }

    @Test(
        "known vectors for each wire type",
        arguments: [
            ("string 2 \"testing\"", "120774657374696e67"),
            ("int 1 -1 (ten-byte two's complement)", "08ffffffffffffffffff01"),
            ("sint 1 -1 (zigzag 1)", "0801"),
            ("sint 1 -2 (zigzag 3)", "0803"),
            ("sint 1 1 (zigzag 2)", "0802"),
            ("float 2 1.0", "150000803f"),
            ("double 1 1.0", "09000000000000f03f"),
            ("fixed32 3 1", "1d01000000"),
            ("bool 4 true", "2001"),
            ("packed 4 [3 270 86942]", "2206038e029ea705"),
            ("map 5 {a: b}", "2a060a0161120162"),
            ("message 3 {1: 150}", "1a03089601"),
            ("varint 1 2^64-1", "08ffffffffffffffffff01"),
            ("field 16 varint 1 (two-byte tag)", "800101"),
        ]
    )
    func vectors(label: String, expected: String) {
        var w = ProtobufWriter()
        switch label {
        case "string 2 \"testing\"": w.string(2, "testing")
        case "int 1 -1 (ten-byte two's complement)": w.int(1, -1)
        case "sint 1 -1 (zigzag 1)": w.sint(1, -1)
        case "sint 1 -2 (zigzag 3)": w.sint(1, -2)
        case "sint 1 1 (zigzag 2)": w.sint(1, 1)
        case "float 2 1.0": w.float(2, 1)
        case "double 1 1.0": w.double(1, 1)
        case "fixed32 3 1": w.fixed32(3, 1)
        case "bool 4 true": w.bool(4, true)
        case "packed 4 [3 270 86942]": w.packedUInts(4, [3, 270, 86942])
        case "map 5 {a: b}": w.stringMap(5, ["a": "b"])
        case "message 3 {1: 150}": w.message(3) { $0.uint(1, 150) }
        case "varint 1 2^64-1": w.uint(1, .max)
        case "field 16 varint 1 (two-byte tag)": w.uint(16, 1)
        default: Issue.record("unknown case \(label)")
        }
        #expect(Self.hex(w.bytes) == expected, "\(label)")
    }

    @Test("proto3 defaults are omitted unless presence is asked for")
    func defaultsOmitted() {
        var w = ProtobufWriter()
        w.uint(1, 0)
        w.string(2, "")
        w.bool(3, false)
        w.float(4, 0)
        #expect(w.bytes.isEmpty)
        w.float(4, 0, presence: true)
        #expect(Self.hex(w.bytes) == "2500000000")
    }

    @Test("a message round-trips through writer and reader, every type")
    func roundTrip() throws {
        var w = ProtobufWriter()
        w.uint(1, 300)
        w.int(2, -123_456_789)
        w.sint(3, -987_654_321)
        w.bool(4, true)
        w.float(5, 2.5)
        w.double(6, -0.125)
        w.string(7, "héllo ✓")
        w.bytes(8, [0, 1, 2, 255])
        w.repeatedString(9, ["a", "", "c"])
        w.packedUInts(10, [1, 2, 300])
        w.stringMap(11, ["k1": "v1", "k2": ""])
        w.message(12) { inner in
            inner.string(1, "nested")
            inner.message(2) { $0.uint(1, 7) }
        }
        w.fixed64(13, 0xDEAD_BEEF_CAFE_F00D)
        let m = try ProtobufMessage(w.bytes)
        #expect(try m.uint(1) == 300)
        #expect(try m.int(2) == -123_456_789)
        #expect(try m.sint(3) == -987_654_321)
        #expect(try m.bool(4) == true)
        #expect(try m.float(5) == 2.5)
        #expect(try m.double(6) == -0.125)
        #expect(try m.string(7) == "héllo ✓")
        #expect(try m.bytes(8) == [0, 1, 2, 255])
        #expect(try m.strings(9) == ["a", "", "c"])
        #expect(try m.varints(10) == [1, 2, 300])
        #expect(try m.stringMap(11) == ["k1": "v1", "k2": ""])
        #expect(try m.message(12)?.string(1) == "nested")
        #expect(try m.message(12)?.message(2)?.uint(1) == 7)
        #expect(try m.fixed64(13) == 0xDEAD_BEEF_CAFE_F00D)
        #expect(try m.string(99) == nil)
        #expect(try m.message(99) == nil)
    }

    @Test("unknown fields of every wire type, groups included, are skipped")
    func unknownFieldsSkipped() throws {
        // 1: "x" | 50: varint 5 | 51: fixed64 | 52: fixed32 | 53: group {1: 1} | 2: 9
        let input = Self.bytes("0a0178" + "900305" + "99030102030405060708" + "a50301020304" + "ab030801ac03" + "1009")
        let m = try ProtobufMessage(input)
        #expect(try m.string(1) == "x")
        #expect(try m.uint(2) == 9)
        #expect(m.fields.map(\.number) == [1, 50, 51, 52, 2])
    }

    @Test("last singular value wins; repeated embedded messages merge")
    func lastWinsAndMerge() throws {
        var w = ProtobufWriter()
        w.uint(1, 1)
        w.uint(1, 2)
        w.message(3) { $0.string(1, "a") }
        w.message(3) { $0.uint(2, 5) }
        let m = try ProtobufMessage(w.bytes)
        #expect(try m.uint(1) == 2)
        let merged = try #require(try m.message(3))
        #expect(try merged.string(1) == "a")
        #expect(try merged.uint(2) == 5)
        #expect(try m.messages(3).count == 2)
    }

    @Test("unpacked repeated varints decode like packed ones")
    func unpackedVarints() throws {
        let m = try ProtobufMessage(Self.bytes("200320 8e02".replacingOccurrences(of: " ", with: "")))
        #expect(try m.varints(4) == [3, 270])
    }

    @Test(
        "malformed input is rejected with a code naming the problem",
        arguments: [
            ("08", ProtobufError.Code.truncated),
            ("0a05616263", .truncated),
            ("08ffffffffffffffffffff01", .malformedVarint),
            ("0e00", .invalidTag),
            ("0001", .invalidTag),
            ("0c", .invalidTag),
            ("0b0801", .truncated),
            ("0d0102", .truncated),
        ]
    )
    func malformed(input: String, code: ProtobufError.Code) {
        #expect(throws: ProtobufError.self) { try ProtobufMessage(Self.bytes(input)) }
        do {
            _ = try ProtobufMessage(Self.bytes(input))
        } catch {
            #expect(error.code == code, "\(input): \(error)")
        }
    }

    @Test("reading a field with the wrong wire type names the field")
    func wireTypeMismatch() throws {
        let m = try ProtobufMessage(Self.bytes("089601"))
        do {
            _ = try m.string(1)
            Issue.record("expected a mismatch")
        } catch {
            #expect(error.code == .wireTypeMismatch)
            #expect(error.message.contains("field 1"))
        }
        #expect(throws: ProtobufError.self) { try ProtobufMessage(Self.bytes("0a02c328")).string(1) }
    }

    @Test("SandboxCreateRequest matches the bytes modal's own api_pb2 produced (docs/provider-apis.md §5.6)")
    func sandboxCreateVector() {
        let spec = ModalSandboxSpec(image: "unused", command: ["echo", "hi"], timeoutSeconds: 600, sandboxName: "")
        let bytes = ModalMessages.sandboxCreate(spec: spec, appID: "ap-1", imageID: "im-1", secretIDs: [])
        #expect(Self.hex(bytes) == "0a0461702d3112130a046563686f0a0268691a04696d2d3138d804")
        #expect(bytes.count == 27)
    }

    @Test("SandboxCreateRequest with resources, gpu, secrets, name and tags decodes to the §5.3 field numbers")
    func sandboxCreateFields() throws {
        let spec = ModalSandboxSpec(
            image: "i",
            command: ["python", "-c", "print(1)"],
            milliCPU: 250,
            memoryMB: 512,
            gpu: ModalGPU(type: "H100", count: 2),
            timeoutSeconds: 60,
            tags: ["b": "2", "a": "1"],
            sandboxName: "pg-run-1"
        )
        let m = try ProtobufMessage(ModalMessages.sandboxCreate(spec: spec, appID: "ap", imageID: "im", secretIDs: ["st-1", "st-2"]))
        #expect(try m.string(1) == "ap")
        let sandbox = try #require(try m.message(2))
        #expect(try sandbox.strings(1) == ["python", "-c", "print(1)"])
        #expect(try sandbox.string(3) == "im")
        #expect(try sandbox.strings(4) == ["st-1", "st-2"])
        let resources = try #require(try sandbox.message(5))
        #expect(try resources.uint(2) == 512)
        #expect(try resources.uint(3) == 250)
        #expect(try resources.message(4)?.uint(2) == 2)
        #expect(try resources.message(4)?.string(4) == "H100")
        #expect(try sandbox.uint(7) == 60)
        #expect(try sandbox.string(30) == "pg-run-1")
        let tags = try m.messages(4).map { (try $0.string(1) ?? "", try $0.string(2) ?? "") }
        #expect(tags.map(\.0) == ["a", "b"])
        #expect(tags.map(\.1) == ["1", "2"])
    }

    @Test("request messages of the other RPCs carry the documented field numbers")
    func otherRequests() throws {
        #expect(Self.hex(ModalMessages.appGetOrCreate(appName: "gw", environmentName: "", creationType: 1)) == "0a0267771801")
        #expect(Self.hex(ModalMessages.sandboxWait(sandboxID: "sb", timeout: 0)) == "0a027362")
        #expect(Self.hex(ModalMessages.sandboxGetTaskID(sandboxID: "sb")) == "0a0273621500000000")
        #expect(Self.hex(ModalMessages.sandboxTerminate(sandboxID: "sb")) == "0a027362")
        let image = try ProtobufMessage(ModalMessages.imageGetOrCreate(dockerfileCommands: ["FROM a:b"], appID: "ap", builderVersion: "2024.10"))
        #expect(try image.message(2)?.strings(6) == ["FROM a:b"])
        #expect(try image.message(2)?.message(17)?.uint(1) == 3)
        #expect(try image.string(4) == "ap")
        #expect(try image.string(9) == "2024.10")
        let secret = try ProtobufMessage(ModalMessages.ephemeralSecret(env: ["A": "1"], appID: "ap", environmentName: ""))
        #expect(try secret.uint(4) == 5)
        #expect(try secret.stringMap(5) == ["A": "1"])
        let list = try ProtobufMessage(ModalMessages.sandboxList(appID: "ap", tags: ["k": "v"], includeFinished: true))
        #expect(try list.bool(4) == true)
        #expect(try list.messages(5).first?.string(2) == "v")
    }

    @Test("response decoders read GenericResult, SandboxInfo and task ids")
    func responses() throws {
        var w = ProtobufWriter()
        w.message(1) { info in
            info.string(1, "sb-1")
            info.message(4) { task in
                task.string(1, "ta-1")
                task.double(2, 1_700_000_000)
                task.message(4) { ModalGenericResult(status: 2, exception: "boom", exitCode: 3).encode(into: &$0) }
            }
            info.message(6) { tag in
                tag.string(1, "pushgate-key")
                tag.string(2, "pg-r-1")
            }
            info.string(7, "pg-r-1")
        }
        let infos = try ModalMessages.sandboxes(try ProtobufMessage(w.bytes))
        #expect(
            infos == [
                ModalSandboxInfo(
                    id: "sb-1",
                    name: "pg-r-1",
                    tags: ["pushgate-key": "pg-r-1"],
                    taskID: "ta-1",
                    startedAt: 1_700_000_000,
                    result: ModalGenericResult(status: 2, exception: "boom", exitCode: 3)
                )
            ]
        )
        var task = ProtobufWriter()
        task.string(1, "ta-9")
        let decoded = try ModalMessages.sandboxTask(try ProtobufMessage(task.bytes))
        #expect(decoded.taskID == "ta-9")
        #expect(decoded.result == nil)
        #expect(try ModalMessages.sandboxTask(ProtobufMessage([UInt8]())).taskID == nil)
    }
}
