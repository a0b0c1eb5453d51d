/// The element types a safetensors file may declare, and their conversion to
/// Float on reading. PyTorch state dicts mix dtypes (BatchNorm's
/// `num_batches_tracked` is int64; checkpoints are often float16 or bfloat16),
/// so reading converts every numeric type; Anneal itself writes F32 only.
/// Integers beyond 2²⁴ and float64 values round to the nearest Float.
enum SafeTensorsDType: String, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    /// Bytes per element.
    var size: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// `count` little-endian elements of this type from `bytes` at `offset`, as Floats.
    func decode(_ bytes: [UInt8], at offset: Int, count: Int) -> [Float] {
        if self == .f32 { return FloatBytes.decode(bytes, at: offset, count: count) }
        precondition(offset >= 0 && count >= 0 && offset + size * count <= bytes.count)
        return bytes.withUnsafeBytes { raw in
            func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: offset + size * i, as: T.self))
            }
            return (0..<count).map { i -> Float in
                switch self {
                case .f64: Float(Double(bitPattern: load(i, UInt64.self)))
                case .f32: Float(bitPattern: load(i, UInt32.self))
                case .f16: Float(Float16(bitPattern: load(i, UInt16.self)))
                case .bf16: Float(bitPattern: UInt32(load(i, UInt16.self)) << 16)
                case .i64: Float(load(i, Int64.self))
                case .i32: Float(load(i, Int32.self))
                case .i16: Float(load(i, Int16.self))
                case .i8: Float(load(i, Int8.self))
                case .u8: Float(load(i, UInt8.self))
                case .bool: load(i, UInt8.self) != 0 ? 1 : 0
                }
            }
        }
    }
}
