/// Data that cannot form a dataset: sample and label counts disagree, a label is
/// out of range. A user-input error (the data usually comes from files), so it is
/// thrown, and `description` is one line a command-line tool can print as is.
public struct DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong with the data, one line (e.g. `dataset has 100 samples but 99 labels`).
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    /// The message, as printed by the command line.
    public var description: String { message }
}
