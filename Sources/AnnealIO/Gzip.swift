import CZlib

/// gzip (RFC 1952) through zlib, for `.gz` dataset files such as MNIST's.
enum Gzip {
    /// True when `bytes` start with the gzip magic number 0x1f 0x8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Inflates a gzip stream (several concatenated members are allowed, as `gzip -d`
    /// allows). Corrupt, truncated or trailing data is reported against `path`.
    static func decompress(_ input: [UInt8], path: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw AnnealIOError(path: path, "cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }

        // The gzip trailer stores the uncompressed size mod 2^32: a good first guess.
        var output = [UInt8](repeating: 0, count: initialCapacity(for: input))
        var produced = 0

        try input.withUnsafeBufferPointer { source in
            var consumed = 0
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                }
                let chunkIn = min(source.count - consumed, Int(UInt32.max))
                let chunkOut = min(output.count - produced, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
                stream.avail_in = UInt32(chunkIn)
                let status = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = UInt32(chunkOut)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                consumed += chunkIn - Int(stream.avail_in)
                produced += chunkOut - Int(stream.avail_out)

                switch status {
                case Z_STREAM_END:
                    if consumed == source.count { return }
                    // Another gzip member may follow; anything else is garbage.
                    let rest = Array(source[consumed..<min(consumed + 2, source.count)])
                    guard rest == [0x1f, 0x8b] else {
                        throw AnnealIOError(path: path, "corrupt gzip stream: \(source.count - consumed) unexpected bytes after the end of the compressed data")
                    }
                    guard inflateReset(&stream) == Z_OK else {
                        throw AnnealIOError(path: path, "cannot initialise zlib")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: either the output is full (grow it) or the input ran out.
                    if produced == output.count { continue }
                    throw AnnealIOError(path: path, "corrupt gzip stream: compressed data ends early (file truncated?)")
                case Z_MEM_ERROR:
                    throw AnnealIOError(path: path, "out of memory while decompressing")
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw AnnealIOError(path: path, "corrupt gzip stream: \(detail)")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses `input` into a single gzip member.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                   Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed (\(status))")
        defer { deflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var produced = 0
        input.withUnsafeBufferPointer { source in
            var consumed = 0
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                }
                let chunkIn = min(source.count - consumed, Int(UInt32.max))
                let chunkOut = min(output.count - produced, Int(UInt32.max))
                let last = consumed + chunkIn == source.count
                // An empty array has no base address; zlib accepts a null pointer with avail_in == 0.
                stream.next_in = source.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
                stream.avail_in = UInt32(chunkIn)
                let result = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = UInt32(chunkOut)
                    return deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                }
                consumed += chunkIn - Int(stream.avail_in)
                produced += chunkOut - Int(stream.avail_out)
                if result == Z_STREAM_END { return }
                precondition(result == Z_OK || result == Z_BUF_ERROR, "deflate failed (\(result))")
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    private static func initialCapacity(for input: [UInt8]) -> Int {
        var guess = 4 * input.count
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            // Trust the trailer only within deflate's maximum ratio (about 1032:1).
            if isize > 0 && isize <= 1032 * input.count { guess = isize }
        }
        return max(guess, 4096)
    }
}
