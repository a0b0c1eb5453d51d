/// NumPy's .npy format for float32 arrays, so predictions and features can be
/// opened with `numpy.load` and NumPy arrays can be fed back in.
///
/// Layout: `\x93NUMPY`, a version (1.0 here), a little-endian header length, a Python
/// dict literal padded with spaces to a 64-byte boundary and ending in a newline, then
/// the raw little-endian elements in C (row-major) order.
public enum NPYFile {
    /// Writes `values` with `shape` as a version 1.0 `<f4` file, atomically.
    /// `shape` may be empty (a scalar); its product must equal `values.count`.
    public static func write(_ values: [Float], shape: [Int], to path: String) throws {
        precondition(shape.allSatisfy { $0 >= 0 }, "NPYFile.write: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == values.count, "NPYFile.write: shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")

        var header = Array(NPYHeader(descr: "<f4", fortranOrder: false, shape: shape).text.utf8)
        let unpadded = magic.count + 2 + 2 + header.count + 1
        header += repeatElement(UInt8(ascii: " "), count: (64 - unpadded % 64) % 64)
        header.append(UInt8(ascii: "\n"))
        guard header.count <= Int(UInt16.max) else {
            throw AnnealIOError(path: path, "cannot write: .npy header for shape \(shape) is too long")
        }

        var bytes = magic + [1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)] + header
        bytes.reserveCapacity(bytes.count + 4 * values.count)
        FloatBytes.append(values, to: &bytes)
        try AtomicFile.write(bytes, to: path)
    }

    /// Reads a .npy file holding little-endian float32 (`<f4`) in C order.
    /// Throws `AnnealIOError` naming the problem for anything else (another dtype,
    /// Fortran order, a bad magic, a damaged header, or a data size that does not match).
    public static func read(_ path: String) throws -> (shape: [Int], values: [Float]) {
        try decode(FileBytes.read(path), path: path)
    }

    /// Parses the bytes of a .npy file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Float]) {
        guard bytes.count >= magic.count + 2, Array(bytes[0..<magic.count]) == magic else {
            throw AnnealIOError(path: path, "not a .npy file: it does not start with \\x93NUMPY")
        }
        let major = bytes[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw AnnealIOError(path: path, "unsupported .npy format version \(major).\(bytes[7])")
        }
        let lengthAt = magic.count + 2
        guard bytes.count >= lengthAt + lengthBytes else {
            throw AnnealIOError(path: path, "truncated: file ends inside the .npy header")
        }
        var headerLength = 0
        for i in (0..<lengthBytes).reversed() { headerLength = headerLength << 8 | Int(bytes[lengthAt + i]) }
        let dataAt = lengthAt + lengthBytes + headerLength
        guard bytes.count >= dataAt else {
            throw AnnealIOError(path: path, "truncated: .npy header says \(headerLength) bytes but file ends after \(bytes.count - lengthAt - lengthBytes)")
        }

        let header: NPYHeader
        do {
            header = try NPYHeader(parsing: String(decoding: bytes[(lengthAt + lengthBytes)..<dataAt], as: UTF8.self))
        } catch {
            throw AnnealIOError(path: path, "bad .npy header: \(error.message)")
        }
        guard header.descr == "<f4" else {
            throw AnnealIOError(path: path, "unsupported dtype '\(header.descr)'; only '<f4' (little-endian float32) is supported")
        }
        // Fortran order is only a different layout when two or more axes exceed 1.
        guard !header.fortranOrder || header.shape.filter({ $0 > 1 }).count < 2 else {
            throw AnnealIOError(path: path, "Fortran-order arrays are not supported; save a C-order array (numpy.ascontiguousarray)")
        }

        var count = 1
        for dim in header.shape {
            let product = count.multipliedReportingOverflow(by: dim)
            guard !product.overflow, product.partialValue <= Int.max / 4 else {
                throw AnnealIOError(path: path, "bad .npy header: shape \(header.shape) is too large")
            }
            count = product.partialValue
        }
        let available = bytes.count - dataAt
        if available != 4 * count {
            let problem = available < 4 * count ? "truncated" : "trailing garbage"
            throw AnnealIOError(path: path, "\(problem): shape \(header.shape) needs \(4 * count) bytes of float32 data but file holds \(available)")
        }

        return (header.shape, FloatBytes.decode(bytes, at: dataAt, count: count))
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
}
