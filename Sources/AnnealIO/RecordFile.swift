import Foundation
import Glibc

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
    /// The file this writer created and appends to.
    public let path: String
    private let fd: Int32

    /// Creates `path`, which must not exist: a writer never appends to another's file.
    public init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AnnealIOError(path: path, errno == EEXIST ? "exists already; record files are never appended to"
                                                            : "cannot be created: \(FileBytes.errnoText(errno))")
        }
        self.path = path
    }

    deinit { close(fd) }

    /// Appends one record (a record cut short by a full disk is what a reader skips).
    public func write(_ record: [UInt8]) throws {
        try RecordFile.encode(record).withUnsafeBytes { try FileBytes.writeAll($0, to: fd, path: path) }
    }

    /// Pushes written records to the disk.
    public func flush() throws {
        guard fsync(fd) == 0 else { throw AnnealIOError(path: path, "cannot write: \(FileBytes.errnoText(errno))") }
    }
}
