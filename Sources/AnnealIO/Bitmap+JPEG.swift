import CTurboJPEG

/// JPEG files through libjpeg-turbo's TurboJPEG API, which returns error codes
/// (libjpeg's own API reports errors by `longjmp`, which Swift cannot unwind).
extension Bitmap {
    /// Decodes the bytes of a JPEG file: gray images stay gray, every other colour
    /// space becomes RGB. A truncated or damaged file is an error, not a grey tail.
    static func decodeJPEG(_ file: [UInt8], path: String) throws -> Bitmap {
        guard let handle = tjInitDecompress() else { throw AnnealIOError(path: path, "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        return try file.withUnsafeBufferPointer { source in
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, source.baseAddress, UInt(source.count), &width, &height, &subsampling, &colorspace) == 0 else {
                throw AnnealIOError(path: path, "not a valid JPEG: \(message(handle))")
            }
            let gray = colorspace == Int32(TJCS_GRAY.rawValue)
            let channels = gray ? 1 : 3
            let size = try checkSize(width: Int(width), height: Int(height), channels: channels, fileSize: file.count, format: "JPEG", path: path)
            var pixels = [UInt8](repeating: 0, count: size)
            let format = gray ? TJPF_GRAY : TJPF_RGB
            // Stop on warnings too: libjpeg calls a truncated file a warning and fills the rest with grey.
            let status = pixels.withUnsafeMutableBufferPointer { target in
                tjDecompress2(handle, source.baseAddress, UInt(source.count), target.baseAddress, width, 0, height,
                              Int32(format.rawValue), TJFLAG_STOPONWARNING)
            }
            guard status == 0 else { throw AnnealIOError(path: path, "corrupt JPEG: \(message(handle))") }
            return Bitmap(width: Int(width), height: Int(height), channels: channels, pixels: pixels)
        }
    }

    private static func message(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown libjpeg-turbo error" }
        return String(cString: text)
    }
}
