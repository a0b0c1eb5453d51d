import CZlib

/// CRC-32 (zlib's) over byte buffers, to tell an intact file from a damaged one.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        // zlib takes a 32-bit length.
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, 1 << 30)
            value = UInt32(crc32(UInt(value), base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(chunk)))
            offset += chunk
        }
    }

    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    public mutating func update(_ floats: [Float]) {
        floats.withUnsafeBytes { update($0) }
    }
}
