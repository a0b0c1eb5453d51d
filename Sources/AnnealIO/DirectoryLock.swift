import Foundation

/// One writer per directory: an exclusive `flock` on `DIR/.lock`, held while this
/// object lives and released by the kernel when the process ends, however it ends
/// (so a killed writer never blocks its successor, and a second writer started while
/// the first still runs is refused instead of mixing its files in).
public final class DirectoryLock {
    /// Name of the lock file created inside the claimed directory.
    public static let fileName = ".lock"
    private let descriptor: Int32

    /// Claims `directory` (which must exist); throws naming it when another process holds it.
    public init(_ directory: String) throws {
        let path = "\(directory)/\(DirectoryLock.fileName)"
        // Close-on-exec: child processes must not inherit the claim.
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AnnealIOError(path: path, "cannot open: \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK ? "another process is writing into this directory; wait for it to end or stop it"
                                              : String(cString: strerror(errno))
            close(descriptor)
            throw AnnealIOError(path: directory, reason)
        }
    }

    deinit { close(descriptor) }
}
