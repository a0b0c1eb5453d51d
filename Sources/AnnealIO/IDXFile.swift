/// The IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed.
///
/// Layout: two zero bytes, an element-type byte, a dimension-count byte, one big-endian
/// UInt32 per dimension, then the elements row-major. Only unsigned bytes (type 0x08)
/// are supported, which is what image and label files use.
public enum IDXFile {
    /// Reads an IDX file, decompressing it first when it starts with the gzip magic.
    /// Throws `AnnealIOError` for a missing file, a corrupt gzip stream, a bad header,
    /// an unsupported element type, or a data size that does not match the header.
    public static func read(_ path: String) throws -> IDXArray {
        try decode(FileBytes.read(path), path: path)
    }

    /// Parses the bytes of an IDX file (raw or gzip); `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> IDXArray {
        try parse(Gzip.isCompressed(bytes) ? Gzip.decompress(bytes, path: path) : bytes, path: path)
    }

    /// Writes `array` as IDX, gzip-compressed when `gzip` is true. The write is atomic.
    public static func write(_ array: IDXArray, to path: String, gzip: Bool = false) throws {
        var bytes: [UInt8] = [0, 0, unsignedByte, UInt8(array.dims.count)]
        bytes.reserveCapacity(4 + 4 * array.dims.count + array.bytes.count)
        for dim in array.dims {
            let value = UInt32(dim)
            bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        }
        bytes += array.bytes
        try AtomicFile.write(gzip ? Gzip.compress(bytes) : bytes, to: path)
    }

    static let unsignedByte: UInt8 = 0x08

    static func parse(_ bytes: [UInt8], path: String) throws -> IDXArray {
        guard bytes.count >= 4 else {
            throw AnnealIOError(path: path, "truncated: an IDX header needs at least 4 bytes but file holds \(bytes.count)")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw AnnealIOError(path: path, "not an IDX file: first two bytes are \(hex(bytes[0])) \(hex(bytes[1])), expected 0x00 0x00")
        }
        let type = bytes[2]
        guard type == unsignedByte else {
            let known: [UInt8: String] = [0x09: "signed byte", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64"]
            let name = known[type].map { " (\($0))" } ?? ""
            throw AnnealIOError(path: path, "unsupported IDX element type \(hex(type))\(name); only 0x08 (unsigned byte) is supported")
        }
        let rank = Int(bytes[3])
        guard rank > 0 else {
            throw AnnealIOError(path: path, "bad IDX header: 0 dimensions")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw AnnealIOError(path: path, "truncated: header with \(rank) dimensions needs \(headerSize) bytes but file holds \(bytes.count)")
        }

        var dims: [Int] = []
        var count = 1
        var overflow = false
        for axis in 0..<rank {
            let at = 4 + 4 * axis
            let dim = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard dim > 0 else {
                throw AnnealIOError(path: path, "bad IDX header: dimension \(axis) is 0")
            }
            dims.append(dim)
            let product = count.multipliedReportingOverflow(by: dim)
            overflow = overflow || product.overflow
            count = product.partialValue
        }
        let shape = dims.map(String.init).joined(separator: "×")
        guard !overflow else {
            throw AnnealIOError(path: path, "bad IDX header: \(shape) elements overflow")
        }

        let available = bytes.count - headerSize
        if available < count {
            throw AnnealIOError(path: path, "truncated: header says \(shape) bytes (\(count)) but file holds \(available) bytes of data")
        }
        if available > count {
            throw AnnealIOError(path: path, "trailing garbage: header says \(shape) bytes (\(count)) but file holds \(available) bytes of data")
        }
        return IDXArray(dims: dims, bytes: Array(bytes[headerSize...]))
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}
