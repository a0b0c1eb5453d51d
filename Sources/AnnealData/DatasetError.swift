/// Data that cannot form a dataset: sample and label counts disagree, a label is
/// out of range. A user-input error (the data usually comes from files), so it is
/// thrown, and `description` is one line a command-line tool can print as is.
public struct DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
