/// NumPy's .npy format: float32 arrays written, so predictions and features can be
/// opened with `numpy.load`; float32, float64 and integer arrays read, so NumPy
/// arrays (images, labels) can be fed back in.
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

    /// Parses the bytes of a float32 .npy file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Float]) {
        let array = try decodeArray(bytes, path: path)
        guard array.elementType == .float32 else {
            throw AnnealIOError(path: path, "unsupported dtype '\(array.elementType.rawValue)'; only '<f4' (little-endian float32) is supported")
        }
        return (array.shape, array.values)
    }

    /// The element types `readArray` accepts (NumPy's dtype strings, little-endian).
    public enum ElementType: String, Sendable, CaseIterable {
        /// float32, float64, uint8, int8, int16, int32 and int64; the raw value is the
        /// dtype string (`<` little-endian, `|` for single bytes).
        case float32 = "<f4", float64 = "<f8", uint8 = "|u1", int8 = "|i1", int16 = "<i2", int32 = "<i4", int64 = "<i8"

        /// NumPy's name of the type ("float32", "uint8", …).
        public var name: String { String(describing: self) }

        var size: Int {
            switch self {
            case .uint8, .int8: 1
            case .int16: 2
            case .float32, .int32: 4
            case .float64, .int64: 8
            }
        }

        /// The dtype string as NumPy may write it ("<u1" and "|u1" are the same type).
        init?(descr: String) {
            let normalized = descr.count == 3 && descr.hasSuffix("1") ? "|" + descr.dropFirst() : descr
            self.init(rawValue: normalized)
        }
    }

    /// An array of any `ElementType`, its values converted to Float (exact for
    /// bytes, 16-bit and float32 values, and for integers up to 2^24).
    public struct Contents: Sendable {
        /// Size of each dimension, outermost first; empty for a scalar.
        public var shape: [Int]
        /// The elements in C (row-major) order, converted to Float; `values.count` is the product of `shape`.
        public var values: [Float]
        /// The element type the file declared (the values' type before conversion).
        public var elementType: ElementType
    }

    /// Reads a .npy file of any `ElementType` in C order.
    public static func readArray(_ path: String) throws -> Contents {
        try decodeArray(FileBytes.read(path), path: path)
    }

    /// Parses the bytes of a .npy file of any `ElementType`; `path` names it in errors.
    public static func decodeArray(_ bytes: [UInt8], path: String) throws -> Contents {
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
        guard let type = ElementType(descr: header.descr) else {
            let known = ElementType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw AnnealIOError(path: path, "unsupported dtype '\(header.descr)'; supported: \(known) (little-endian)")
        }
        // Fortran order is only a different layout when two or more axes exceed 1.
        guard !header.fortranOrder || header.shape.filter({ $0 > 1 }).count < 2 else {
            throw AnnealIOError(path: path, "Fortran-order arrays are not supported; save a C-order array (numpy.ascontiguousarray)")
        }

        var count = 1
        for dim in header.shape {
            let product = count.multipliedReportingOverflow(by: dim)
            guard !product.overflow, product.partialValue <= Int.max / 8 else {
                throw AnnealIOError(path: path, "bad .npy header: shape \(header.shape) is too large")
            }
            count = product.partialValue
        }
        let available = bytes.count - dataAt
        let needed = type.size * count
        if available != needed {
            let problem = available < needed ? "truncated" : "trailing garbage"
            throw AnnealIOError(path: path, "\(problem): shape \(header.shape) needs \(needed) bytes of \(type.name) data but file holds \(available)")
        }
        return Contents(shape: header.shape, values: elements(bytes, at: dataAt, count: count, type: type), elementType: type)
    }

    private static func elements(_ bytes: [UInt8], at start: Int, count: Int, type: ElementType) -> [Float] {
        if type == .float32 { return FloatBytes.decode(bytes, at: start, count: count) }
        return bytes.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[start...])
            return (0..<count).map { i in
                switch type {
                case .uint8: Float(data[i])
                case .int8: Float(Int8(bitPattern: data[i]))
                case .int16: Float(Int16(littleEndian: data.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
                case .int32: Float(Int32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                case .int64: Float(Int64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                case .float64: Float(Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                case .float32: Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            }
        }
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
}
