import Glibc

/// Reads a whole file into memory with POSIX calls, so that a failure can say
/// *why* (not found, permission denied, a directory) instead of Foundation's bare nil.
public enum FileBytes {
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

    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
