import Foundation
import Glibc

/// Writes files all-or-nothing: the bytes go to a temporary file in the same
/// directory, are flushed to disk, and the temporary file is renamed over the target.
///
/// `rename` within one file system is atomic, so a crash or a full disk leaves either the
/// old file or the complete new one, never a half-written checkpoint or dataset.
public enum AtomicFile {
    /// Replaces (or creates) the file at `path` with `bytes`.
    public static func write<Bytes: ContiguousBytes>(_ bytes: Bytes, to path: String) throws {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw AnnealIOError(path: path, "cannot create file: \(FileBytes.errnoText(errno))")
        }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temporary) }
        }

        try bytes.withUnsafeBytes { try FileBytes.writeAll($0, to: fd, path: path) }
        if fsync(fd) != 0 {
            throw AnnealIOError(path: path, "cannot write: \(FileBytes.errnoText(errno))")
        }
        closed = true
        if close(fd) != 0 {
            throw AnnealIOError(path: path, "cannot write: \(FileBytes.errnoText(errno))")
        }
        if rename(temporary, path) != 0 {
            throw AnnealIOError(path: path, "cannot replace file: \(FileBytes.errnoText(errno))")
        }
        renamed = true
        syncDirectory(of: path)
    }

    /// `.name.tmp-<pid>-<random>` beside the target: same file system (so `rename` is
    /// atomic), hidden, and unique across processes and threads.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Makes the rename itself durable. Best effort: a failure here cannot corrupt anything.
    private static func syncDirectory(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
