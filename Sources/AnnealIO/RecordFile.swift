import Foundation

/// TensorFlow's record file format (TFRecord), in which TensorBoard reads event
/// files: per record the length (UInt64), the masked CRC-32C of those 8 bytes,
/// the data, and the masked CRC-32C of the data, all little-endian.
public enum RecordFile {
    /// One record's bytes.
    public static func encode(_ data: [UInt8]) -> [UInt8] {
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        return length + littleEndian(CRC32C.masked(length)) + data + littleEndian(CRC32C.masked(data))
    }

    /// Every record of `bytes`, in order; a damaged or cut record ends the list and is
    /// reported as `damagedAt` (its byte offset), as TensorBoard skips the rest of a file.
    public static func decode(_ bytes: [UInt8]) -> (records: [[UInt8]], damagedAt: Int?) {
        var records: [[UInt8]] = [], offset = 0
        func uint32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else { return (records, offset) }
            let header = Array(bytes[offset..<offset + 8])
            let length = header.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard uint32(offset + 8) == CRC32C.masked(header), bytes.count - offset >= 16, length <= UInt64(bytes.count - offset - 16) else {
                return (records, offset)
            }
            let start = offset + 12, end = start + Int(length)
            let data = Array(bytes[start..<end])
            guard uint32(end) == CRC32C.masked(data) else { return (records, offset) }
            records.append(data)
            offset = end + 4
        }
        return (records, nil)
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
}

/// Appends records to a file, writing each through at once (a live reader sees it,
/// and a killed process leaves every finished record readable).
public final class RecordFileWriter {
    public let path: String
    private let handle: FileHandle

    /// Creates `path`, which must not exist: a writer never appends to another's file.
    public init(path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw AnnealIOError(path: path, "exists already; record files are never appended to") }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw AnnealIOError(path: path, "cannot be created")
        }
        self.path = path
        self.handle = handle
    }

    deinit { try? handle.close() }

    public func write(_ record: [UInt8]) throws {
        do { try handle.write(contentsOf: RecordFile.encode(record)) } catch {
            throw AnnealIOError(path: path, "write failed: \(error.localizedDescription)")
        }
    }

    /// Pushes written records to the disk.
    public func flush() throws {
        do { try handle.synchronize() } catch { throw AnnealIOError(path: path, "flush failed: \(error.localizedDescription)") }
    }
}
