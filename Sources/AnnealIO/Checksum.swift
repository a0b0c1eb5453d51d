import CZlib

/// CRC-32 (zlib's) over byte buffers, to tell an intact file from a damaged one.
public struct CRC32: Sendable {
    /// The CRC-32 of everything passed to `update` so far (0 before any data).
    public private(set) var value: UInt32 = 0

    /// A checksum of no data yet (`value` 0).
    public init() {}

    /// Adds `bytes` to the checksum.
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

    /// Adds the UTF-8 bytes of `text` to the checksum.
    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Adds the in-memory bytes of `floats`: 4 per value, IEEE 754 binary32 in the
    /// host's byte order (little-endian on every Anneal target).
    public mutating func update(_ floats: [Float]) {
        floats.withUnsafeBytes { update($0) }
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
/// TensorFlow's record files; zlib only has the IEEE polynomial.
public enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The plain (unmasked) CRC-32C of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// The masked form record files store (so that a CRC of data holding CRCs stays well mixed).
    public static func masked(_ bytes: some Collection<UInt8>) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
