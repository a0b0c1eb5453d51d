import AnnealTestSupport
import Foundation
import Testing
@testable import AnnealIO

@Suite struct PNGImageTests {
    let dir = TemporaryDirectory()

    @Test(arguments: 1...4)
    func roundTrip(channels: Int) throws {
        let (width, height) = (7, 5)
        let pixels = (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        let image = PNGImage(width: width, height: height, channels: channels, pixels: pixels)
        let path = dir.file("img\(channels).png")
        try image.write(to: path)
        #expect(Array(readBytes(path).prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        #expect(try PNGImage.read(path) == image)
        #expect(dir.contents() == ["img\(channels).png"])
    }

    @Test func notAPNG() {
        let path = dir.write(Array("GIF89a....".utf8), to: "fake.png")
        expectIOError(path, "not a valid PNG") { _ = try PNGImage.read(path) }
    }

    /// Fuzzing regression: a header claiming 100000×100000 pixels over a few bytes of
    /// data was allocated in full before libpng found the data missing.
    @Test func aForgedHugeSizeIsRefusedBeforeAllocating() throws {
        var bytes = try PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3]).encodedForTest()
        for (offset, value) in [(16, 100_000), (20, 100_000)] {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * (3 - i))) }
        }
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[12..<29])) }
        for i in 0..<4 { bytes[29 + i] = UInt8(truncatingIfNeeded: crc.value >> (8 * UInt32(3 - i))) }
        let path = dir.write(bytes, to: "huge.png")
        expectIOError(path, "image size 100000×100000 is too large for a") { _ = try PNGImage.read(path) }
    }

    @Test func truncatedPNG() throws {
        let path = dir.file("full.png")
        try PNGImage(width: 64, height: 64, channels: 3, pixels: (0..<(64 * 64 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: path)
        let cut = dir.write(Array(readBytes(path).prefix(200)), to: "cut.png")
        expectIOError(cut, "PNG") { _ = try PNGImage.read(cut) }
    }

    @Test func missingFileAndDirectory() {
        let path = dir.file("absent.png")
        expectIOError(path, "file not found") { _ = try PNGImage.read(path) }
        let nested = dir.file("no/dir/out.png")
        expectIOError(nested, "cannot create file") {
            try PNGImage(width: 1, height: 1, channels: 1, pixels: [0]).write(to: nested)
        }
    }
}

private extension PNGImage {
    func encodedForTest() throws -> [UInt8] {
        let dir = TemporaryDirectory()
        try write(to: dir.file("x.png"))
        return readBytes(dir.file("x.png"))
    }
}
