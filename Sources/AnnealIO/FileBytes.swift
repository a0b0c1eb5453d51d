import Glibc

/// Reads a whole file into memory with POSIX calls, so that a failure can say
/// *why* (not found, permission denied, a directory) instead of Foundation's bare nil.
public enum FileBytes {
    /// The whole file at `path` (read to its end, so pipes work too); throws
    /// `AnnealIOError` saying why it cannot (not found, permission denied, a directory).
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            throw AnnealIOError(path: path, code == ENOENT ? "file not found" : "cannot open: \(errnoText(code))")
        }
        defer { close(fd) }

        var info = stat()
        if fstat(fd, &info) != 0 {
            throw AnnealIOError(path: path, "cannot read: \(errnoText(errno))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw AnnealIOError(path: path, "is a directory, expected a file")
        }

        // st_size is only a hint (it is 0 for pipes and some special files): read until EOF.
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 65536)))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw AnnealIOError(path: path, "cannot read: \(errnoText(errno))")
            }
            if got == 0 { break }
            count += got
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Appends `bytes` to `path` (created if missing) in one `write` per chunk, saying
    /// why when it cannot (a full disk, permissions).
    public static func append(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AnnealIOError(path: path, "cannot open for writing: \(errnoText(errno))") }
        defer { close(fd) }
        try bytes.withUnsafeBytes { try writeAll($0, to: fd, path: path) }
    }

    /// Writes all of `buffer` to `fd` (the file `path`, for the error), however many
    /// `write` calls it takes, retrying interrupted ones.
    public static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            let wrote = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else { throw AnnealIOError(path: path, "cannot write: \(errnoText(errno))") }
            offset += wrote
        }
    }

    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
