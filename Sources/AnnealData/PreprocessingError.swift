/// Preprocessing that cannot be fitted or restored: impossible settings (too
/// many PCA components, a negative ε), too few samples, a weights file whose
/// whitening tensors are missing or misshapen. `description` is one line.
public struct PreprocessingError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
