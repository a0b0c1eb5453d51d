@testable import AnnealIO
import AnnealTestSupport
import Foundation
import Testing

@Suite struct BitmapTests {
    let dir = TemporaryDirectory()

    @Test(arguments: 1...4)
    func roundTrip(channels: Int) throws {
        let (width, height) = (7, 5)
        let pixels = (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        let image = Bitmap(width: width, height: height, channels: channels, pixels: pixels)
        let path = dir.file("img\(channels).png")
        try image.write(to: path)
        #expect(Array(readBytes(path).prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        #expect(try Bitmap.read(path) == image)
        #expect(dir.contents() == ["img\(channels).png"])
    }

    @Test func notAPNG() {
        let path = dir.write(Array("GIF89a....".utf8), to: "fake.png")
        expectIOError(path, "not a PNG or JPEG image") { _ = try Bitmap.read(path) }
    }

    /// Fuzzing regression: a header claiming 100000×100000 pixels over a few bytes of
    /// data was allocated in full before libpng found the data missing.
    @Test func aForgedHugeSizeIsRefusedBeforeAllocating() throws {
        var bytes = try Bitmap(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3]).encodedForTest()
        for (offset, value) in [(16, 100_000), (20, 100_000)] {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * (3 - i))) }
        }
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[12..<29])) }
        for i in 0..<4 { bytes[29 + i] = UInt8(truncatingIfNeeded: crc.value >> (8 * UInt32(3 - i))) }
        let path = dir.write(bytes, to: "huge.png")
        expectIOError(path, "image size 100000×100000 is too large for a") { _ = try Bitmap.read(path) }
    }

    @Test(arguments: 1...4)
    func fastPNGPathMatchesLibpngAndStepsAsideForGamma(channels: Int) throws {
        let image = Bitmap(width: 13, height: 9, channels: channels, pixels: (0..<(13 * 9 * channels)).map { UInt8(truncatingIfNeeded: $0 &* $0 &+ 7) })
        let bytes = try image.encodedForTest()
        #expect(try Bitmap.decodeCommonPNG(bytes, path: "x") == image)
        // A gAMA chunk after IHDR changes colours: libpng's job.
        let gamma: [UInt8] = [0, 0, 0, 4] + Array("gAMA".utf8) + [0, 0, 0xB1, 0x8F] + [0, 0, 0, 0]
        #expect(try Bitmap.decodeCommonPNG(Array(bytes[..<33]) + gamma + Array(bytes[33...]), path: "x") == nil)
    }

    @Test func truncatedPNG() throws {
        let path = dir.file("full.png")
        try Bitmap(width: 64, height: 64, channels: 3, pixels: (0..<(64 * 64 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: path)
        let cut = dir.write(Array(readBytes(path).prefix(200)), to: "cut.png")
        expectIOError(cut, "PNG") { _ = try Bitmap.read(cut) }
    }

    @Test func missingFileAndDirectory() {
        let path = dir.file("absent.png")
        expectIOError(path, "file not found") { _ = try Bitmap.read(path) }
        let nested = dir.file("no/dir/out.png")
        expectIOError(nested, "cannot create file") {
            try Bitmap(width: 1, height: 1, channels: 1, pixels: [0]).write(to: nested)
        }
    }
}

private extension Bitmap {
    func encodedForTest() throws -> [UInt8] {
        let dir = TemporaryDirectory()
        try write(to: dir.file("x.png"))
        return readBytes(dir.file("x.png"))
    }
}

/// JPEG decoding, resizing and grey conversion against Pillow (which decodes JPEG with
/// libjpeg too, so decoded pixels must agree exactly; Pillow's resize rounds in fixed
/// point, so resized ones within 1).
@Suite(.enabled(if: Python.hasPillow, "set ANNEAL_PYTHON to a Python with Pillow and numpy"))
struct BitmapInteropTests {
    let dir = TemporaryDirectory()

    init() {
        let result = Python.run([Python.script("image_interop.py"), dir.path])
        precondition(result.status == 0, result.output)
    }

    /// A uint8 .npy written by NumPy, as bytes in C order, with its shape.
    func reference(_ name: String) throws -> (shape: [Int], bytes: [UInt8]) {
        let array = try NPYFile.readArray(dir.file(name))
        return (array.shape, array.values.map { UInt8($0) })
    }

    @Test(arguments: ["smooth.jpg", "noise.jpg", "grey.jpg"])
    func jpegDecodesAsPillowDoes(_ name: String) throws {
        let image = try Bitmap.read(dir.file(name))
        let expected = try reference(name + ".npy")
        #expect([image.height, image.width] + (image.channels == 1 ? [] : [image.channels]) == expected.shape)
        #expect(image.pixels == expected.bytes)
    }

    @Test(arguments: ["smooth", "noise"])
    func resizeAndGreyMatchPillow(_ name: String) throws {
        let image = try Bitmap.read(dir.file(name + ".png"))
        for (w, h) in [(20, 12), (9, 7), (80, 48)] {
            let expected = try reference("\(name)-\(w)x\(h).npy")
            let resized = image.resized(width: w, height: h)
            let worst = zip(resized.pixels, expected.bytes).map { abs(Int($0) - Int($1)) }.max()!
            #expect(worst <= 1, "\(name) → \(w)×\(h): off by \(worst)")
        }
        let grey = try reference(name + "-grey.npy")
        let worst = zip(image.converted(toChannels: 1).pixels, grey.bytes).map { abs(Int($0) - Int($1)) }.max()!
        #expect(worst <= 1, "grey conversion off by \(worst)")
    }

    /// The fast PNG path (libdeflate) decodes what libpng decodes, every row filter included.
    @Test(arguments: ["smooth.png", "noise.png"])
    func fastPNGPathMatchesLibpng(_ name: String) throws {
        let bytes = readBytes(dir.file(name))
        let fast = try #require(try Bitmap.decodeCommonPNG(bytes, path: name))
        #expect(fast == (try Bitmap.decodePNGWithLibpng(bytes, path: name)))
    }

    @Test func aTruncatedJPEGIsAnErrorNotAGreyTail() throws {
        let bytes = readBytes(dir.file("noise.jpg"))
        let cut = dir.write(Array(bytes.prefix(bytes.count * 2 / 3)), to: "cut.jpg")
        expectIOError(cut, "corrupt JPEG") { _ = try Bitmap.read(cut) }
        let header = dir.write(Array(bytes.prefix(40)), to: "header.jpg")
        expectIOError(header, "JPEG") { _ = try Bitmap.read(header) }
    }
}

@Suite struct BitmapOperationTests {
    @Test func resizingAConstantImageKeepsItConstant() {
        let image = Bitmap(width: 9, height: 5, channels: 3, pixels: Array(repeating: 77, count: 9 * 5 * 3))
        for (w, h) in [(3, 2), (18, 10), (9, 5), (4, 11)] {
            #expect(image.resized(width: w, height: h).pixels.allSatisfy { $0 == 77 })
        }
    }

    /// Halving averages each 2×2 block's centre-weighted neighbourhood: for a
    /// horizontal ramp, output column i sits at source position 2i + 1 exactly.
    @Test func halvingARampSamplesItsMidpoints() {
        let width = 8
        let ramp = Bitmap(width: width, height: 2, channels: 1, pixels: (0..<(2 * width)).map { UInt8(($0 % width) * 20) })
        let half = ramp.resized(width: 4, height: 1)
        // Triangle of half-width 2 around 2i+1 over pixel centres 2i-0.5 … 2i+2.5, clamped at the edges.
        #expect(half.pixels.dropFirst().dropLast() == [50, 90])
    }

    @Test func channelConversions() {
        let rgb = Bitmap(width: 1, height: 1, channels: 4, pixels: [200, 100, 50, 9])
        #expect(rgb.converted(toChannels: 3).pixels == [200, 100, 50])
        let luma: Int = (200 * 299 + 100 * 587 + 50 * 114 + 500) / 1000
        #expect(rgb.converted(toChannels: 1).pixels == [UInt8(luma)])
        let grey = Bitmap(width: 2, height: 1, channels: 2, pixels: [10, 255, 20, 0])
        #expect(grey.converted(toChannels: 3).pixels == [10, 10, 10, 20, 20, 20])
        #expect(grey.converted(toChannels: 1).pixels == [10, 20])
    }
}
