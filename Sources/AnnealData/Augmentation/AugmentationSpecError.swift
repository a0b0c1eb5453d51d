/// A malformed `--augment` spec. A user-input error: `description` is one line
/// naming the bad token and listing what would have been valid.
public struct AugmentationSpecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong, quoting the bad item and listing the valid names, keys or values.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    /// The message, as printed by the command line.
    public var description: String { message }
}
