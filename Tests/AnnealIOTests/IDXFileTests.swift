@testable import AnnealIO
import AnnealTestSupport
import Foundation
import Testing

@Suite struct IDXFileTests {
    let dir = TemporaryDirectory()

    static func header(_ dims: [UInt32], type: UInt8 = 0x08) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dims.count)]
        for dim in dims { bytes += [UInt8(dim >> 24), UInt8(dim >> 16 & 0xff), UInt8(dim >> 8 & 0xff), UInt8(dim & 0xff)] }
        return bytes
    }

    @Test(arguments: [false, true])
    func roundTrip(gzip: Bool) throws {
        let images = IDXArray(dims: [3, 2, 4], bytes: (0..<24).map { UInt8($0 * 10) })
        let labels = IDXArray(dims: [5], bytes: [9, 0, 3, 3, 7])
        let imagesPath = dir.file(gzip ? "images.gz" : "images")
        let labelsPath = dir.file(gzip ? "labels.gz" : "labels")
        try IDXFile.write(images, to: imagesPath, gzip: gzip)
        try IDXFile.write(labels, to: labelsPath, gzip: gzip)
        #expect(Gzip.isCompressed(readBytes(imagesPath)) == gzip)
        #expect(try IDXFile.read(imagesPath) == images)
        #expect(try IDXFile.read(labelsPath) == labels)
    }

    @Test func rawLayoutIsBigEndianHeaderThenBytes() throws {
        let path = dir.file("raw")
        try IDXFile.write(IDXArray(dims: [2, 258], bytes: [UInt8](repeating: 7, count: 516)), to: path)
        #expect(readBytes(path) == Self.header([2, 258]) + [UInt8](repeating: 7, count: 516))
    }

    @Test func readsGzipFromTheSystemTool() throws {
        let path = dir.write(Self.header([2, 3]) + [1, 2, 3, 4, 5, 6], to: "sys")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-9", path]
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0)
        #expect(try IDXFile.read(path + ".gz") == IDXArray(dims: [2, 3], bytes: [1, 2, 3, 4, 5, 6]))
    }

    @Test func readsConcatenatedGzipMembers() throws {
        let raw = Self.header([4]) + [10, 20, 30, 40]
        let path = dir.write(Gzip.compress(Array(raw[0..<6])) + Gzip.compress(Array(raw[6...])), to: "multi.gz")
        #expect(try IDXFile.read(path) == IDXArray(dims: [4], bytes: [10, 20, 30, 40]))
    }

    @Test func largeGzipGrowsOutputBuffer() throws {
        // An empty last member makes the trailer's size hint 0, so the output buffer
        // starts small and must grow to 1 MB.
        let array = IDXArray(dims: [1000, 1000], bytes: [UInt8](repeating: 0, count: 1_000_000))
        let path = dir.write(Gzip.compress(Self.header([1000, 1000]) + array.bytes) + Gzip.compress([]), to: "big.gz")
        #expect(try IDXFile.read(path) == array)
    }

    @Test func missingFile() {
        let path = dir.file("absent-idx1-ubyte.gz")
        expectIOError(path, "file not found") { _ = try IDXFile.read(path) }
    }

    @Test func directoryInsteadOfFile() {
        expectIOError(dir.path, "is a directory") { _ = try IDXFile.read(dir.path) }
    }

    @Test func emptyFile() {
        let path = dir.write([], to: "empty")
        expectIOError(path, "truncated: an IDX header needs at least 4 bytes but file holds 0") { _ = try IDXFile.read(path) }
    }

    @Test func wrongMagic() {
        let path = dir.write([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 9], to: "zip")
        expectIOError(path, "not an IDX file: first two bytes are 0x50 0x4B, expected 0x00 0x00") { _ = try IDXFile.read(path) }
    }

    @Test func unsupportedElementType() {
        let path = dir.write(Self.header([1], type: 0x0D) + [0, 0, 128, 63], to: "floats")
        expectIOError(path, "unsupported IDX element type 0x0D (float32)") { _ = try IDXFile.read(path) }
        let odd = dir.write(Self.header([1], type: 0x42) + [0], to: "odd")
        expectIOError(odd, "unsupported IDX element type 0x42;") { _ = try IDXFile.read(odd) }
    }

    @Test func truncatedData() {
        let raw = Self.header([60000, 28, 28]) + [UInt8](repeating: 0, count: 1200)
        let expected = "truncated: header says 60000×28×28 bytes (47040000) but file holds 1200 bytes of data"
        let path = dir.write(raw, to: "train-images-idx3-ubyte")
        expectIOError(path, expected) { _ = try IDXFile.read(path) }
        let gz = dir.write(Gzip.compress(raw), to: "train-images-idx3-ubyte.gz")
        expectIOError(gz, expected) { _ = try IDXFile.read(gz) }
    }

    @Test func truncatedHeader() {
        let path = dir.write([0, 0, 8, 3, 0, 0, 0, 2], to: "short")
        expectIOError(path, "truncated: header with 3 dimensions needs 16 bytes but file holds 8") { _ = try IDXFile.read(path) }
    }

    @Test func trailingGarbage() {
        let path = dir.write(Self.header([2]) + [1, 2, 3], to: "long")
        expectIOError(path, "trailing garbage: header says 2 bytes (2) but file holds 3 bytes of data") { _ = try IDXFile.read(path) }
    }

    @Test func zeroAndOverflowingDimensions() {
        let zero = dir.write(Self.header([3, 0]), to: "zero")
        expectIOError(zero, "bad IDX header: dimension 1 is 0") { _ = try IDXFile.read(zero) }
        let noDims = dir.write([0, 0, 8, 0], to: "nodims")
        expectIOError(noDims, "bad IDX header: 0 dimensions") { _ = try IDXFile.read(noDims) }
        let huge = dir.write(Self.header([.max, .max, .max]), to: "huge")
        expectIOError(huge, "elements overflow") { _ = try IDXFile.read(huge) }
    }

    @Test func corruptGzip() {
        var compressed = Gzip.compress(Self.header([64]) + (0..<64).map { UInt8($0) })
        let truncated = dir.write(Array(compressed.prefix(compressed.count / 2)), to: "cut.gz")
        expectIOError(truncated, "corrupt gzip stream: compressed data ends early") { _ = try IDXFile.read(truncated) }

        compressed[compressed.count - 6] ^= 0xff   // inside the CRC-32 trailer
        let badCRC = dir.write(compressed, to: "crc.gz")
        expectIOError(badCRC, "corrupt gzip stream: incorrect data check") { _ = try IDXFile.read(badCRC) }

        let garbage = dir.write(Gzip.compress(Self.header([1]) + [5]) + [0xde, 0xad], to: "tail.gz")
        expectIOError(garbage, "corrupt gzip stream: 2 unexpected bytes after the end") { _ = try IDXFile.read(garbage) }

        let header = dir.write([0x1f, 0x8b, 0x09, 0, 0, 0], to: "method.gz")
        expectIOError(header, "corrupt gzip stream") { _ = try IDXFile.read(header) }
    }

    static let fashion = "/usr/share/datasets/fashion-mnist"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashion + "/train-images-idx3-ubyte.gz"),
                   "Fashion-MNIST not installed at /usr/share/datasets/fashion-mnist"))
    func fashionMNISTTrainImages() throws {
        let images = try IDXFile.read(Self.fashion + "/train-images-idx3-ubyte.gz")
        #expect(images.dims == [60000, 28, 28])
        #expect(images.bytes.count == 47_040_000)
        #expect(images.bytes.max() == 255)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashion + "/train-labels-idx1-ubyte.gz"),
                   "Fashion-MNIST not installed at /usr/share/datasets/fashion-mnist"))
    func fashionMNISTTrainLabels() throws {
        let labels = try IDXFile.read(Self.fashion + "/train-labels-idx1-ubyte.gz")
        #expect(labels.dims == [60000])
        var counts = [Int](repeating: 0, count: 256)
        for label in labels.bytes { counts[Int(label)] += 1 }
        // Fashion-MNIST's training set has exactly 6000 images of each of its 10 classes.
        #expect(Array(counts[0..<10]) == [Int](repeating: 6000, count: 10))
        #expect(counts[10...].allSatisfy { $0 == 0 })
    }
}
