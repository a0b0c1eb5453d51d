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
