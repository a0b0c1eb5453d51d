/// An 8-bit image as image files hold it: PNG (read and written) and JPEG (read),
/// for data sets of image files, previews, sample grids and test fixtures.
public struct Bitmap: Sendable, Equatable {
    /// Width in pixels (at least 1).
    public let width: Int
    /// Height in pixels (at least 1).
    public let height: Int
    /// 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// Row-major, channels interleaved: `pixels[(y * width + x) * channels + c]`.
    public let pixels: [UInt8]

    /// An image from 8-bit `pixels` (0–255, row-major, channels interleaved);
    /// traps unless `channels` is 1...4, both sides are positive and `pixels` holds
    /// `width * height * channels` bytes.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition((1...4).contains(channels), "Bitmap: channels must be 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA), got \(channels)")
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max), "Bitmap: bad size \(width)×\(height)")
        precondition(pixels.count == width * height * channels, "Bitmap: \(width)×\(height)×\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Reads a PNG or JPEG file (told apart by its first bytes, not its name).
    public static func read(_ path: String) throws -> Bitmap {
        try decode(FileBytes.read(path), path: path)
    }

    /// Decodes PNG or JPEG bytes; `path` names the file in errors.
    public static func decode(_ file: [UInt8], path: String) throws -> Bitmap {
        if file.starts(with: pngSignature) { return try decodePNG(file, path: path) }
        if file.starts(with: jpegSignature) { return try decodeJPEG(file, path: path) }
        throw AnnealIOError(path: path, "not a PNG or JPEG image (unknown first bytes)")
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Deflate expands at most 1032:1 and JPEG less; a header claiming more pixels
    /// than the compressed data could hold is refused before anything is allocated.
    static let maximumExpansion = 1100

    /// Throws unless a `width`×`height`×`channels` image can come from `fileSize` bytes.
    static func checkSize(width: Int, height: Int, channels: Int, fileSize: Int, format: String, path: String) throws -> Int {
        let (size, overflow) = width.multipliedReportingOverflow(by: height * channels)
        guard !overflow, width > 0, height > 0, size / maximumExpansion <= fileSize else {
            throw AnnealIOError(path: path, "bad \(format): image size \(width)×\(height) is too large for a \(fileSize)-byte file")
        }
        return size
    }
}
