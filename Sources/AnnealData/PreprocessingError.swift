/// Preprocessing that cannot be fitted or restored: impossible settings (too
/// many PCA components, a negative ε), too few samples, a weights file whose
/// whitening tensors are missing or misshapen. `description` is one line.
public struct PreprocessingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What cannot be fitted or restored, and why, one line.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    /// The message, as printed by the command line.
    public var description: String { message }
}
