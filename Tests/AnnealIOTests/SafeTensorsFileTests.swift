@testable import AnnealIO
import AnnealTestSupport
import Foundation
import Testing

@Suite struct SafeTensorsFileTests {
    let dir = TemporaryDirectory()

    /// A safetensors file with a hand-written header (padded to 8) and raw data.
    static func file(_ json: String, data: [UInt8]) -> [UInt8] {
        var header = Array(json.utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        let n = UInt64(header.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + header + data
    }

    static let sample = SafeTensorsFile(
        tensors: [
            "layer1.0.conv1.weight": ShapedArray(shape: [2, 1, 2, 2], values: (0..<8).map { Float($0) / 8 }),
            "bias": ShapedArray(shape: [3], values: [0.1, -2.25, 3e38]),
            "scalar": ShapedArray(shape: [], values: [7]),
            "empty": ShapedArray(shape: [0, 3], values: []),
            "weight": ShapedArray(shape: [2, 3], values: [-1, -0.5, 0, 0.5, 1, 1.5]),
        ],
        metadata: ["format": "pt", "note": "h\u{e9}llo \"quoted\""])

    @Test func roundTrip() throws {
        let path = dir.file("model.safetensors")
        try Self.sample.write(to: path)
        #expect(try SafeTensorsFile.read(path) == Self.sample)
        #expect(dir.contents() == ["model.safetensors"])
    }

    @Test func layoutIsSortedContiguousAndPadded() throws {
        let path = dir.file("layout.safetensors")
        try Self.sample.write(to: path)
        let bytes = readBytes(path)
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect(length % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"format":"pt","note":"héllo \"quoted\""},"bias":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[12,12]},"layer1.0.conv1.weight""#))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix(#""weight":{"dtype":"F32","shape":[2,3],"data_offsets":[48,72]}}"#))
        #expect(bytes.count == 8 + length + 72)
        // Data begins with "bias" = 0.1f little-endian.
        #expect(Array(bytes[(8 + length)..<(12 + length)]) == [0xcd, 0xcc, 0xcc, 0x3d])
    }

    @Test func noMetadataMeansNoMetadataKey() throws {
        let path = dir.file("plain.safetensors")
        try SafeTensorsFile(tensors: ["w": ShapedArray(shape: [1], values: [1])]).write(to: path)
        let text = String(decoding: readBytes(path), as: UTF8.self)
        #expect(!text.contains("__metadata__"))
        #expect(try SafeTensorsFile.read(path).metadata == [:])
        try SafeTensorsFile().write(to: path)
        #expect(try SafeTensorsFile.read(path) == SafeTensorsFile())
    }

    @Test func unusualNamesAreEscaped() throws {
        let path = dir.file("names.safetensors")
        let tensors = ["a\"b\\c\n\u{1}": ShapedArray(shape: [1], values: [2]), "ünï": ShapedArray(shape: [1], values: [3])]
        try SafeTensorsFile(tensors: tensors, metadata: ["k\t": "v\u{0}"]).write(to: path)
        let back = try SafeTensorsFile.read(path)
        #expect(back.tensors == tensors)
        #expect(back.metadata == ["k\t": "v\u{0}"])
    }

    @Test func reservedNameIsRejected() {
        let path = dir.file("reserved.safetensors")
        expectIOError(path, "'__metadata__' is reserved") {
            try SafeTensorsFile(tensors: ["__metadata__": ShapedArray(shape: [1], values: [1])]).write(to: path)
        }
        #expect(dir.contents() == [])
    }

    @Test func inconsistentArrayIsRejected() {
        var array = ShapedArray(shape: [2], values: [1, 2])
        array.values.append(3)
        let path = dir.file("bad.safetensors")
        expectIOError(path, "tensor 'w' has shape [2] but 3 values") {
            try SafeTensorsFile(tensors: ["w": array]).write(to: path)
        }
    }

    /// Each numeric dtype, two values written little-endian by hand, read back as Floats.
    @Test(arguments: [
        ("F64", [0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0x02, 0xC0], [1.5, -2.25]),
        ("F16", [0x00, 0x3C, 0x00, 0xC0], [1, -2]),
        ("BF16", [0xC0, 0x3F, 0x10, 0xC0], [1.5, -2.25]),
        ("I64", [7, 0, 0, 0, 0, 0, 0, 0, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [7, -3]),
        ("I32", [0xA0, 0x86, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF], [100_000, -1]),
        ("I16", [0xD4, 0xFE, 12, 0], [-300, 12]),
        ("I8", [0xFB, 0x7F], [-5, 127]),
        ("U8", [0xFF, 0], [255, 0]),
        ("BOOL", [1, 0], [1, 0]),
    ] as [(String, [UInt8], [Float])])
    func otherDtypesAreConvertedToFloat(dtype: String, data: [UInt8], values: [Float]) throws {
        let json = #"{"ok":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"\#(dtype)","shape":[2],"data_offsets":[4,\#(4 + data.count)]}}"#
        let path = dir.write(Self.file(json, data: [0, 0, 0x80, 0x3F] + data), to: "\(dtype).safetensors")
        let file = try SafeTensorsFile.read(path)
        #expect(file.tensors["x"] == ShapedArray(shape: [2], values: values))
        #expect(file.tensors["ok"] == ShapedArray(shape: [1], values: [1]))
    }

    @Test(arguments: ["C64", "F8_E4M3", "U64", "f32"])
    func unknownDtypesAreRejected(dtype: String) {
        let bytes = Self.file(#"{"x":{"dtype":"\#(dtype)","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        let path = dir.write(bytes, to: "\(dtype).safetensors")
        expectIOError(path, "tensor 'x' has dtype \(dtype); supported: F64, F32, F16, BF16, I64") { _ = try SafeTensorsFile.read(path) }
    }

    @Test func sizesFollowTheDtype() {
        let bytes = Self.file(#"{"x":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        let path = dir.write(bytes, to: "short.safetensors")
        expectIOError(path, "shape [2] of I64, which needs 16 bytes, but data_offsets [0, 8] span 8") { _ = try SafeTensorsFile.read(path) }
    }

    @Test func badOffsets() {
        let cases: [(json: String, data: Int, message: String)] = [
            (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4,
             "truncated: tensor 'w' has data_offsets [0, 8] but the data block holds 4 bytes"),
            (#"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, 20,
             "tensor 'w' has shape [2, 3] of F32, which needs 24 bytes, but data_offsets [0, 20] span 20"),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, 8,
             "tensor 'w' has invalid data_offsets [8, 4]"),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, 4,
             "tensor 'w' has invalid data_offsets [0]"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8,
             "tensors 'a' and 'b' overlap"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, 12,
             "4 unused bytes between tensors 'a' and 'b'"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8,
             "4 unused bytes before tensor 'a'"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 7,
             "trailing garbage: 3 bytes after the last tensor's data"),
            (#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4,
             "tensor 'w' has a negative dimension"),
            (#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, 4,
             "tensor 'w' has an impossibly large shape"),
        ]
        for (index, item) in cases.enumerated() {
            let path = dir.write(Self.file(item.json, data: [UInt8](repeating: 0, count: item.data)), to: "off\(index).safetensors")
            expectIOError(path, item.message) { _ = try SafeTensorsFile.read(path) }
        }
    }

    @Test func badHeaders() {
        let cases: [(bytes: [UInt8], message: String)] = [
            ([1, 2, 3], "truncated: a safetensors file starts with an 8-byte header length but file holds 3 bytes"),
            ([100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8), "truncated: header length is 100 bytes but only 2 bytes follow it"),
            ([0, 0, 0, 0, 0, 0, 0, 1] + Array("{}".utf8), "header length 72057594037927936 is over the 100000000-byte limit"),
            (Self.file("[1, 2]", data: []), "header does not start with '{'"),
            (Self.file("{\"a\": ", data: []), "bad safetensors header: not valid JSON"),
            (Self.file(#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "bad safetensors header: tensor 'w' has no \"dtype\""),
            (Self.file(#"{"w":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "tensor 'w' has a malformed \"shape\""),
            (Self.file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}"#, data: [0, 0, 0, 0]), "tensor 'w' has a malformed"),
            (Self.file(#"{"__metadata__":{"n":1}}"#, data: []), "__metadata__ must be an object of string values"),
        ]
        for (index, item) in cases.enumerated() {
            let path = dir.write(item.bytes, to: "hdr\(index).safetensors")
            expectIOError(path, item.message) { _ = try SafeTensorsFile.read(path) }
        }
    }

    @Test func missingFile() {
        let path = dir.file("absent.safetensors")
        expectIOError(path, "file not found") { _ = try SafeTensorsFile.read(path) }
    }

    @Test func failedWriteLeavesOldFile() throws {
        let path = dir.file("keep.safetensors")
        try Self.sample.write(to: path)
        let before = readBytes(path)
        expectIOError(path, "'__metadata__' is reserved") {
            try SafeTensorsFile(tensors: ["__metadata__": ShapedArray(shape: [], values: [0])]).write(to: path)
        }
        #expect(readBytes(path) == before)
    }
}

@Suite struct SafeTensorsInteropTests {
    let dir = TemporaryDirectory()
    let script = Python.script("safetensors_interop.py")

    @Test(.enabled(if: Python.hasSafetensorsAndNumPy, "set ANNEAL_PYTHON to a Python with safetensors and numpy"))
    func readsFilesWrittenByPython() throws {
        let path = dir.file("python.safetensors")
        let result = Python.run([script, "write", path])
        try #require(result.status == 0, "\(result.output)")
        #expect(try SafeTensorsFile.read(path) == SafeTensorsFileTests.sample)
    }

    @Test(.enabled(if: Python.hasSafetensorsAndNumPy, "set ANNEAL_PYTHON to a Python with safetensors and numpy"))
    func readsOtherDtypesWrittenByPython() throws {
        let path = dir.file("mixed.safetensors")
        let result = Python.run([script, "write-mixed", path])
        try #require(result.status == 0, "\(result.output)")
        let tensors = try SafeTensorsFile.read(path).tensors
        #expect(tensors == [
            "bn.num_batches_tracked": ShapedArray(shape: [], values: [1875]),
            "half": ShapedArray(shape: [3], values: [0.5, -3, 1024]),
            "double": ShapedArray(shape: [1, 2], values: [1.25, -0.125]),
            "int32": ShapedArray(shape: [2], values: [-7, 65536]),
            "bytes": ShapedArray(shape: [3], values: [0, 200, 255]),
            "mask": ShapedArray(shape: [2], values: [1, 0]),
        ])
    }

    @Test(.enabled(if: Python.hasSafetensorsAndNumPy, "set ANNEAL_PYTHON to a Python with safetensors and numpy"))
    func pythonReadsFilesWrittenByAnneal() throws {
        let path = dir.file("anneal.safetensors")
        try SafeTensorsFileTests.sample.write(to: path)
        let result = Python.run([script, "check", path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(.enabled(if: Python.hasSafetensorsAndNumPy, "set ANNEAL_PYTHON to a Python with safetensors and numpy"))
    func checkModeCatchesAMismatch() throws {
        // Guards against a check script that passes everything.
        var changed = SafeTensorsFileTests.sample
        changed.tensors["bias"]!.values[1] = 0
        let path = dir.file("changed.safetensors")
        try changed.write(to: path)
        #expect(Python.run([script, "check", path]).status != 0)
    }
}
