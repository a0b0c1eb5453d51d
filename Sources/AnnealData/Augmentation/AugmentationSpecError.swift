/// A malformed `--augment` spec. A user-input error: `description` is one line
/// naming the bad token and listing what would have been valid.
public struct AugmentationSpecError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
