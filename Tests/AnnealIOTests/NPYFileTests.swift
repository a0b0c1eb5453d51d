@testable import AnnealIO
import AnnealTestSupport
import Foundation
import Testing

@Suite struct NPYFileTests {
    let dir = TemporaryDirectory()

    /// A .npy file with an arbitrary header dict, padded the way NumPy pads it.
    static func npy(_ dict: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        let prefix = version == 1 ? 10 : 12
        var header = Array(dict.utf8)
        header += repeatElement(UInt8(ascii: " "), count: (64 - (prefix + header.count + 1) % 64) % 64)
        header.append(UInt8(ascii: "\n"))
        let n = header.count
        let length: [UInt8] = version == 1 ? [UInt8(n & 0xff), UInt8(n >> 8)] : [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), 0, 0]
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + header + data
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        FloatBytes.append(values, to: &bytes)
        return bytes
    }

    @Test(arguments: [[7, 10], [5], [], [2, 0, 3], [1, 2, 3, 4]])
    func roundTrip(shape: [Int]) throws {
        let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.25 - 3 }
        let path = dir.file("a.npy")
        try NPYFile.write(values, shape: shape, to: path)
        let back = try NPYFile.read(path)
        #expect(back.shape == shape)
        #expect(back.values == values)
    }

    @Test func specialValuesSurvive() throws {
        let values: [Float] = [.infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let path = dir.file("special.npy")
        try NPYFile.write(values + [.nan], shape: [6], to: path)
        let back = try NPYFile.read(path).values
        #expect(back.prefix(5).map(\.bitPattern) == values.map(\.bitPattern))
        #expect(back[5].isNaN)
    }

    @Test func headerMatchesNumPy() throws {
        let path = dir.file("h.npy")
        try NPYFile.write([Float](repeating: 1, count: 30), shape: [3, 10], to: path)
        let bytes = readBytes(path)
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + length) % 64 == 0)
        #expect(bytes[10 + length - 1] == UInt8(ascii: "\n"))
        let text = String(decoding: bytes[10..<(10 + length)], as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 10), }"))
        #expect(bytes.count == 10 + length + 120)
        #expect(NPYHeader(descr: "<f4", fortranOrder: false, shape: [4]).text.contains("'shape': (4,)"))
    }

    @Test func readsVersion2AndFortranVectors() throws {
        let v2 = dir.write(Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data: Self.floatBytes([1, 2]), version: 2), to: "v2.npy")
        #expect(try NPYFile.read(v2).values == [1, 2])
        // A 1-row Fortran-order matrix has the same layout as C order.
        let f = dir.write(Self.npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }", data: Self.floatBytes([1, 2, 3])), to: "f.npy")
        #expect(try NPYFile.read(f).shape == [1, 3])
    }

    @Test func unsupportedDtype() {
        let path = dir.write(Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data: [UInt8](repeating: 0, count: 8)), to: "f64.npy")
        expectIOError(path, "unsupported dtype '<f8'; only '<f4' (little-endian float32) is supported") { _ = try NPYFile.read(path) }
        let big = dir.write(Self.npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]), to: "be.npy")
        expectIOError(big, "unsupported dtype '>f4'") { _ = try NPYFile.read(big) }
    }

    @Test func fortranOrderMatrixIsRejected() {
        let path = dir.write(Self.npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data: [UInt8](repeating: 0, count: 16)), to: "f.npy")
        expectIOError(path, "Fortran-order arrays are not supported") { _ = try NPYFile.read(path) }
    }

    @Test func wrongMagic() {
        let path = dir.write(Array("PK\u{3}\u{4} not numpy".utf8), to: "x.npy")
        expectIOError(path, "not a .npy file") { _ = try NPYFile.read(path) }
    }

    @Test func truncatedAndTrailingData() {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        let short = dir.write(Self.npy(dict, data: [UInt8](repeating: 0, count: 20)), to: "short.npy")
        expectIOError(short, "truncated: shape [2, 3] needs 24 bytes of float32 data but file holds 20") { _ = try NPYFile.read(short) }
        let long = dir.write(Self.npy(dict, data: [UInt8](repeating: 0, count: 28)), to: "long.npy")
        expectIOError(long, "trailing garbage: shape [2, 3] needs 24 bytes of float32 data but file holds 28") { _ = try NPYFile.read(long) }
        let cut = dir.write(Array(Self.npy(dict, data: []).prefix(40)), to: "cut.npy")
        expectIOError(cut, "truncated: .npy header says 118 bytes") { _ = try NPYFile.read(cut) }
    }

    @Test func malformedHeaders() {
        let cases: [(String, String)] = [
            ("['<f4']", "header is not a dictionary"),
            ("{'descr': '<f4', 'shape': (2,), }", "no 'fortran_order' boolean"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "non-negative integers"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected ',' or '}'"),
            ("{'descr': '<f4, 'fortran_order': False}", "bad .npy header"),
        ]
        for (index, (dict, fragment)) in cases.enumerated() {
            let path = dir.write(Self.npy(dict, data: []), to: "bad\(index).npy")
            expectIOError(path, fragment) { _ = try NPYFile.read(path) }
        }
    }

    @Test(.enabled(if: Python.hasSafetensorsAndNumPy, "set ANNEAL_PYTHON to a Python with numpy and safetensors"))
    func numpyInterop() throws {
        let ours = dir.file("ours.npy")
        try NPYFile.write((0..<20).map { Float($0) / 4 }, shape: [4, 5], to: ours)
        let theirs = dir.file("theirs.npy")
        let code = """
            import sys, numpy as np
            a = np.load(sys.argv[1])
            assert a.dtype == np.float32 and a.shape == (4, 5), (a.dtype, a.shape)
            assert (a.ravel() == np.arange(20, dtype=np.float32) / 4).all(), a
            np.save(sys.argv[2], (np.arange(6, dtype=np.float32) - 2.5).reshape(3, 2, 1))
            """
        let result = Python.run(["-c", code, ours, theirs])
        #expect(result.status == 0, "\(result.output)")
        let back = try NPYFile.read(theirs)
        #expect(back.shape == [3, 2, 1])
        #expect(back.values == [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])
    }
}
