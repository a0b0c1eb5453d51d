import CPNG

/// An 8-bit image for PNG files (augmentation previews, sample grids, test fixtures).
///
/// Uses libpng's simplified API (`png_image`), which reports failures through the
/// struct's `message` instead of `longjmp`, so errors unwind through Swift safely.
public struct PNGImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// Row-major, channels interleaved: `pixels[(y * width + x) * channels + c]`.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition((1...4).contains(channels), "PNGImage: channels must be 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA), got \(channels)")
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max), "PNGImage: bad size \(width)×\(height)")
        precondition(pixels.count == width * height * channels, "PNGImage: \(width)×\(height)×\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Encodes the image as PNG and writes it atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(path: path), to: path)
    }

    /// The PNG file's bytes (`path` only names the image in errors).
    public func encoded(path: String = "image") throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = Self.format(channels: channels)
        let stride = Int32(width * channels)

        var encoded: [UInt8] = []
        try pixels.withUnsafeBytes { source in
            // First call measures, second call encodes (libpng's documented pattern).
            var size = 0
            guard png_image_write_to_memory(&image, nil, &size, 0, source.baseAddress, stride, nil) != 0 else {
                throw AnnealIOError(path: path, "cannot encode PNG: \(Self.message(of: image))")
            }
            encoded = [UInt8](repeating: 0, count: size)
            let ok = encoded.withUnsafeMutableBytes { target in
                png_image_write_to_memory(&image, target.baseAddress, &size, 0, source.baseAddress, stride, nil)
            }
            guard ok != 0 else {
                throw AnnealIOError(path: path, "cannot encode PNG: \(Self.message(of: image))")
            }
            encoded.removeSubrange(size...)
        }
        return encoded
    }

    /// Reads a PNG file, keeping its gray/RGB and alpha layout; palette images are
    /// expanded and 16-bit images reduced to 8 bits.
    public static func read(_ path: String) throws -> PNGImage {
        try decode(FileBytes.read(path), path: path)
    }

    /// Deflate expands at most 1032:1; a header claiming more pixels than the
    /// compressed data could hold is refused before anything is allocated.
    static let maximumExpansion = 1100

    /// Decodes the bytes of a PNG file; `path` names it in errors.
    public static func decode(_ file: [UInt8], path: String) throws -> PNGImage {
        try file.withUnsafeBytes { source in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, source.baseAddress, source.count) != 0 else {
                throw AnnealIOError(path: path, "not a valid PNG: \(message(of: image))")
            }
            // Keep only the alpha and color flags: 8-bit sRGB, no palette.
            image.format &= alphaFlag | colorFlag
            let channels = Int(image.format & alphaFlag) + (image.format & colorFlag != 0 ? 3 : 1)
            let width = Int(image.width), height = Int(image.height)
            let (size, overflow) = width.multipliedReportingOverflow(by: height * channels)
            guard !overflow, width > 0, height > 0, size / maximumExpansion <= file.count else {
                png_image_free(&image)
                throw AnnealIOError(path: path, "bad PNG: image size \(width)×\(height) is too large for a \(file.count)-byte file")
            }
            var pixels = [UInt8](repeating: 0, count: size)
            let ok = pixels.withUnsafeMutableBytes { target in
                png_image_finish_read(&image, nil, target.baseAddress, 0, nil)
            }
            guard ok != 0 else {
                throw AnnealIOError(path: path, "corrupt PNG: \(message(of: image))")
            }
            return PNGImage(width: width, height: height, channels: channels, pixels: pixels)
        }
    }

    private static let alphaFlag = UInt32(PNG_FORMAT_FLAG_ALPHA)
    private static let colorFlag = UInt32(PNG_FORMAT_FLAG_COLOR)

    private static func format(channels: Int) -> UInt32 {
        (channels >= 3 ? colorFlag : 0) | (channels % 2 == 0 ? alphaFlag : 0)
    }

    /// libpng's error text, stored as a NUL-terminated C array inside `png_image`.
    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            let text = raw.prefix { $0 != 0 }
            return text.isEmpty ? "unknown libpng error" : String(decoding: text, as: UTF8.self)
        }
    }
}
