/// Float32 <-> little-endian bytes, the element encoding of both .npy `<f4` and
/// safetensors `F32`. A straight memory copy on little-endian hosts (all Anneal targets).
enum FloatBytes {
    /// Appends the little-endian encoding of `values` to `bytes`.
    static func append(_ values: [Float], to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes += repeatElement(0, count: 4 * values.count)
        bytes.withUnsafeMutableBytes { target in
            values.withUnsafeBytes { source in
                let destination = UnsafeMutableRawBufferPointer(rebasing: target[start...])
                #if _endian(little)
                destination.copyMemory(from: source)
                #else
                for (i, value) in values.enumerated() {
                    destination.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
                #endif
            }
        }
    }

    /// Decodes `count` floats stored little-endian in `bytes` starting at `offset`.
    static func decode(_ bytes: [UInt8], at offset: Int, count: Int) -> [Float] {
        precondition(offset >= 0 && count >= 0 && offset + 4 * count <= bytes.count)
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                let region = UnsafeRawBufferPointer(rebasing: source[offset..<(offset + 4 * count)])
                #if _endian(little)
                target.copyMemory(from: region)
                #else
                for i in 0..<count {
                    let bits = UInt32(littleEndian: region.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                    target.storeBytes(of: bits, toByteOffset: 4 * i, as: UInt32.self)
                }
                #endif
            }
        }
        return values
    }
}
