import CPNG

/// PNG files through libpng's simplified API (`png_image`), which reports failures
/// through the struct's `message` instead of `longjmp`, so errors unwind through Swift safely.
extension Bitmap {
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

    /// Decodes the bytes of a PNG file, keeping its gray/RGB and alpha layout; palette
    /// images are expanded and 16-bit images reduced to 8 bits. `path` names it in errors.
    static func decodePNG(_ file: [UInt8], path: String) throws -> Bitmap {
        if let common = try decodeCommonPNG(file, path: path) { return common }
        return try decodePNGWithLibpng(file, path: path)
    }

    static func decodePNGWithLibpng(_ file: [UInt8], path: String) throws -> Bitmap {
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
            let size: Int
            do { size = try checkSize(width: width, height: height, channels: channels, fileSize: file.count, format: "PNG", path: path) } catch {
                png_image_free(&image)
                throw error
            }
            var pixels = [UInt8](repeating: 0, count: size)
            let ok = pixels.withUnsafeMutableBytes { target in
                png_image_finish_read(&image, nil, target.baseAddress, 0, nil)
            }
            guard ok != 0 else {
                throw AnnealIOError(path: path, "corrupt PNG: \(message(of: image))")
            }
            return Bitmap(width: width, height: height, channels: channels, pixels: pixels)
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
