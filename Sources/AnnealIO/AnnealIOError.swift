/// A problem with a file the user handed us: missing, unreadable, corrupt, or in a
/// form Anneal does not support.
///
/// These are user-input errors, so they are thrown rather than trapped, and
/// `description` is a single line that names the file and says what is wrong, e.g.
/// `train-images-idx3-ubyte.gz: truncated: header says 60000×28×28 bytes (47040000) but file holds 1200 bytes`.
/// A command-line tool can print it as is and exit non-zero.
public struct AnnealIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the problem is about, as the caller spelled it.
    public let path: String
    /// What is wrong, without the path (lower case, no trailing period).
    public let message: String

    /// An error about the file at `path`; `message` says what is wrong, without the path.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, one line to print as is.
    public var description: String { "\(path): \(message)" }
}
