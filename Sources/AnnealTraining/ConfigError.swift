/// A bad run configuration, model description or output location: one line for
/// the user. `field` names the configuration field at fault in `RunConfig`'s own
/// terms ("optimizer.learningRate"); front ends translate it into their own
/// words (the command line into its option names).
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// Dotted `RunConfig` path of the bad value, nil when no single field is at fault.
    public let field: String?
    /// What is wrong, without the field's name.
    public let message: String

    /// An error that no single field is at fault for.
    public init(_ message: String) {
        field = nil
        self.message = message
    }

    /// An error in `field`, a dotted `RunConfig` path.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// "FIELD: message", or the message alone when `field` is nil.
    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
