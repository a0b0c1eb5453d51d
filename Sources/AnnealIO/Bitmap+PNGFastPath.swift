import CDeflate

/// The PNG files data sets are made of (8-bit gray, gray + alpha, RGB or RGBA, not
/// interlaced, no colour-changing chunks) decoded without libpng: libdeflate
/// inflates the image data 2–3× faster than zlib, which is most of a small image's
/// decoding time, and the row filters are undone here. Anything else (palettes,
/// 16 bits, interlacing, gamma or colour profiles, transparency chunks) returns nil
/// and goes through libpng. The pixels are the same either way (tested).
extension Bitmap {
    static func decodeCommonPNG(_ file: [UInt8], path: String) throws -> Bitmap? {
        try file.withUnsafeBufferPointer { bytes -> Bitmap? in
            func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
            // Signature, then IHDR first: 13 bytes of width, height, depth, colour type, compression, filter, interlace.
            guard bytes.count >= 33, be32(8) == 13, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
            let width = be32(16), height = be32(20)
            let depth = bytes[24], colourType = bytes[25], interlace = bytes[28]
            let channelsByType: [UInt8: Int] = [0: 1, 2: 3, 4: 2, 6: 4]
            guard depth == 8, let channels = channelsByType[colourType], interlace == 0, bytes[26] == 0, bytes[27] == 0 else { return nil }
            let size = try checkSize(width: width, height: height, channels: channels, fileSize: file.count, format: "PNG", path: path)

            // Gather the image data; a chunk that changes colours sends the file to libpng.
            var data: [UInt8] = []
            var at = 33, ended = false
            while at + 12 <= bytes.count {
                let length = be32(at)
                guard length <= bytes.count - at - 12 else { break }
                let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
                switch type {
                case "IDAT": data += bytes[(at + 8)..<(at + 8 + length)]
                case "IEND": ended = true
                case "gAMA", "cHRM", "iCCP", "sBIT", "tRNS", "PLTE", "IHDR": return nil
                default: break   // text, time, physical size, sRGB: no effect on 8-bit pixels
                }
                if ended { break }
                at += 12 + length
            }
            guard ended, !data.isEmpty else { throw AnnealIOError(path: path, "corrupt PNG: the file ends before its image data does") }

            // Inflate: one filter byte, then the row's bytes, per row.
            let stride = width * channels
            var filtered = [UInt8](repeating: 0, count: height * (stride + 1))
            let status = filtered.withUnsafeMutableBytes { target in
                data.withUnsafeBytes { source in
                    let decompressor = libdeflate_alloc_decompressor()
                    defer { libdeflate_free_decompressor(decompressor) }
                    return libdeflate_zlib_decompress(decompressor, source.baseAddress, source.count, target.baseAddress, target.count, nil)
                }
            }
            guard status == LIBDEFLATE_SUCCESS else { throw AnnealIOError(path: path, "corrupt PNG: its image data does not inflate to \(width)×\(height) pixels") }

            var pixels = [UInt8](repeating: 0, count: size)
            try pixels.withUnsafeMutableBufferPointer { out in
                try filtered.withUnsafeBufferPointer { rows in
                    for y in 0..<height {
                        let filter = rows[y * (stride + 1)]
                        let source = rows.baseAddress! + y * (stride + 1) + 1
                        let row = out.baseAddress! + y * stride, above = row - stride
                        switch filter {
                        case 0: row.update(from: source, count: stride)
                        case 1:   // Sub
                            for i in 0..<stride { row[i] = source[i] &+ (i >= channels ? row[i - channels] : 0) }
                        case 2:   // Up
                            for i in 0..<stride { row[i] = source[i] &+ (y > 0 ? above[i] : 0) }
                        case 3:   // Average
                            for i in 0..<stride {
                                let left = i >= channels ? Int(row[i - channels]) : 0, up = y > 0 ? Int(above[i]) : 0
                                row[i] = source[i] &+ UInt8((left + up) >> 1)
                            }
                        case 4:   // Paeth
                            for i in 0..<stride {
                                let a = i >= channels ? Int(row[i - channels]) : 0, b = y > 0 ? Int(above[i]) : 0
                                let c = i >= channels && y > 0 ? Int(above[i - channels]) : 0
                                let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                                row[i] = source[i] &+ UInt8(pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
                            }
                        default:
                            throw AnnealIOError(path: path, "corrupt PNG: row \(y) has filter type \(filter), not 0…4")
                        }
                    }
                }
            }
            return Bitmap(width: width, height: height, channels: channels, pixels: pixels)
        }
    }
}
